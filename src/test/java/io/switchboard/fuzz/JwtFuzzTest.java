package io.switchboard.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.server.auth.AuthException;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.auth.JwtVerifier;
import io.switchboard.server.config.ConfigLoader;

/**
 * Tokens into the packaged server's {@link JwtVerifier}, configured once with an HMAC secret and once with an RSA
 * public key. The input is either a whole token (one part), or a header and a payload (parts separated by 0xFF)
 * that the target signs with the HMAC secret, so that mutated claims get past the signature and into the claim
 * checks. Each verification must either succeed or fail with {@link AuthException}; nothing else may be thrown.
 */
class JwtFuzzTest {
    private static final String SECRET = "a-fuzzing-secret-that-is-at-least-64-bytes-long-for-hs512-0123456";
    private static final JwtVerifier HMAC = verifier("auth:\n  secret: " + SECRET + "\n"
            + "  algorithms: [HS256, HS384, HS512]\n");
    private static final JwtVerifier RSA = verifier("auth:\n  publicKey: |\n    " + rsaPublicKeyPem() + "\n");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    @FuzzTest
    void token(byte[] input) throws Exception {
        List<byte[]> parts = Frames.split(input);
        String token;
        if (parts.size() == 1) {
            token = new String(input, StandardCharsets.UTF_8);
        } else {
            String signingInput = BASE64URL.encodeToString(parts.get(0)) + "." + BASE64URL.encodeToString(parts.get(1));
            token = signingInput + "." + BASE64URL.encodeToString(hs256(signingInput));
        }
        verify(HMAC, token);
        verify(RSA, token);
    }

    private static void verify(JwtVerifier verifier, String token) {
        CompletableFuture<Map<String, Object>> result = verifier.verify(token);
        try {
            result.join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof AuthException)) {
                throw new AssertionError("not an AuthException: " + e.getCause(), e.getCause());
            }
        }
    }

    private static byte[] hs256(String signingInput) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    }

    private static JwtVerifier verifier(String yaml) {
        try {
            Path file = Files.createTempFile("switchboard-fuzz-auth", ".yml");
            file.toFile().deleteOnExit();
            Files.writeString(file, yaml);
            return new JwtVerifier(AuthSettings.from(ConfigLoader.load(file, Map.of(), Map.of())), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rsaPublicKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(generator.generateKeyPair().getPublic().getEncoded());
            return ("-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----").replace("\n", "\n    ");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
