package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import io.jsonwebtoken.Jwts;
import io.switchboard.server.auth.AuthException;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.auth.JwtVerifier;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    private static final String SECRET = "a-verifier-test-secret-of-at-least-32-bytes-long!";
    private static final KeyPair RSA = generate("RSA", null);
    private static final KeyPair EC = generate("EC", "secp256r1");
    private static final KeyPair ED = generate("Ed25519", null);

    @TempDir
    Path dir;

    private static KeyPair generate(String algorithm, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private AuthSettings settings(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "auth", ".yml");
        Files.writeString(file, yaml);
        return AuthSettings.from(ConfigLoader.load(file, Map.of(), Map.of()));
    }

    private static String indent(String text) {
        return text.strip().replace("\n", "\n    ");
    }

    private static Map<String, Object> verify(JwtVerifier verifier, String token) throws Exception {
        return verifier.verify(token).get(5, TimeUnit.SECONDS);
    }

    private static AuthException refusal(JwtVerifier verifier, String token) {
        ExecutionException error = assertThrows(ExecutionException.class,
                () -> verifier.verify(token).get(5, TimeUnit.SECONDS));
        Throwable cause = error.getCause();
        while (cause != null && !(cause instanceof AuthException)) {
            cause = cause.getCause();
        }
        return assertInstanceOf(AuthException.class, cause, String.valueOf(error.getCause()));
    }

    private static String hs(String secret, String subject, Instant expires) {
        return Jwts.builder().subject(subject).expiration(Date.from(expires))
                .signWith(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), Jwts.SIG.HS256)
                .compact();
    }

    private static Instant inAnHour() {
        return Instant.now().plusSeconds(3600);
    }

    @Test
    void hmacTokensAreCheckedAndTheirClaimsReturnedAsTheTokenHasThem() throws Exception {
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  secret: " + SECRET + "\n"), null);
        String token = Jwts.builder().subject("alice").claim("orgId", "acme").claim("roles", List.of("a", "b"))
                .claim("n", 5).expiration(Date.from(inAnHour()))
                .signWith(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).compact();
        Map<String, Object> claims = verify(verifier, token);
        assertEquals("alice", claims.get("sub"));
        assertEquals("acme", claims.get("orgId"));
        assertEquals(List.of("a", "b"), claims.get("roles"));
        assertEquals(5, claims.get("n"));
        assertInstanceOf(Number.class, claims.get("exp"));
        assertEquals(AuthException.INVALID_TOKEN,
                refusal(verifier, hs(SECRET + "-other-secret", "alice", inAnHour())).code());
    }

    @Test
    void expiryHonoursTheClockSkew() throws Exception {
        JwtVerifier verifier = new JwtVerifier(
                settings("auth:\n  secret: " + SECRET + "\n  clockSkewSeconds: 60\n"), null);
        verify(verifier, hs(SECRET, "alice", Instant.now().minusSeconds(30)));
        AuthException expired = refusal(verifier, hs(SECRET, "alice", Instant.now().minusSeconds(120)));
        assertEquals(AuthException.TOKEN_EXPIRED, expired.code());
        assertEquals("Token expired", expired.getMessage());
    }

    @Test
    void publicKeysOfEveryKindVerifyTheirOwnAlgorithms() throws Exception {
        for (KeyPair pair : List.of(RSA, EC, ED)) {
            JwtVerifier verifier = new JwtVerifier(settings("auth:\n  publicKey: |\n    " + indent(pem(pair)) + "\n"),
                    null);
            String token = Jwts.builder().subject("bob").expiration(Date.from(inAnHour()))
                    .signWith(pair.getPrivate()).compact();
            assertEquals("bob", verify(verifier, token).get("sub"), pair.getPublic().getAlgorithm());
        }
    }

    @Test
    void aPublicKeyCanBeAFile() throws Exception {
        Path pem = dir.resolve("public.pem");
        Files.writeString(pem, pem(RSA));
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  publicKey: " + pem + "\n"), null);
        String token = Jwts.builder().subject("bob").signWith(RSA.getPrivate()).compact();
        assertEquals("bob", verify(verifier, token).get("sub"));
    }

    @Test
    void noneAndAlgorithmConfusionAreRefused() throws Exception {
        String publicPem = pem(RSA);
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  publicKey: |\n    " + indent(publicPem) + "\n"),
                null);
        String unsigned = Jwts.builder().subject("mallory").compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, unsigned).code());
        String confused = Jwts.builder().subject("mallory")
                .signWith(new SecretKeySpec(publicPem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                        Jwts.SIG.HS256).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, confused).code());
        String otherKind = Jwts.builder().subject("mallory").signWith(EC.getPrivate()).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, otherKind).code());
    }

    @Test
    void theAllowListIsEnforced() throws Exception {
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  secret: " + SECRET + "\n  publicKey: |\n    "
                + indent(pem(RSA)) + "\n  algorithms: [RS384]\n"), null);
        String rs256 = Jwts.builder().subject("a").signWith(RSA.getPrivate(), Jwts.SIG.RS256).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, rs256).code());
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, hs(SECRET, "a", inAnHour())).code());
        String rs384 = Jwts.builder().subject("a").signWith(RSA.getPrivate(), Jwts.SIG.RS384).compact();
        assertEquals("a", verify(verifier, rs384).get("sub"));
    }

    @Test
    void issuerAudienceAndTheUserIdClaimAreRequiredWhenConfigured() throws Exception {
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  secret: " + SECRET
                + "\n  issuer: iss-1\n  audience: aud-1\n  claims:\n    userId: uid\n"), null);
        SecretKeySpec key = new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        String good = Jwts.builder().claim("uid", "u1").issuer("iss-1").audience().add("aud-1").and().signWith(key)
                .compact();
        assertEquals("u1", verify(verifier, good).get("uid"));
        String wrongIssuer = Jwts.builder().claim("uid", "u1").issuer("iss-2").audience().add("aud-1").and()
                .signWith(key).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, wrongIssuer).code());
        String wrongAudience = Jwts.builder().claim("uid", "u1").issuer("iss-1").audience().add("aud-2").and()
                .signWith(key).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, wrongAudience).code());
        String noUser = Jwts.builder().subject("sub-only").issuer("iss-1").audience().add("aud-1").and()
                .signWith(key).compact();
        assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, noUser).code());
    }

    @Test
    void garbageIsAnInvalidToken() throws Exception {
        JwtVerifier verifier = new JwtVerifier(settings("auth:\n  secret: " + SECRET + "\n"), null);
        for (String token : List.of("", "abc", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30.")) {
            assertEquals(AuthException.INVALID_TOKEN, refusal(verifier, token).code(), token);
        }
    }

    @Test
    void keySettingsThatCannotWorkStopTheConfiguration() {
        ConfigException noKey = assertThrows(ConfigException.class,
                () -> settings("auth:\n  allowDevelopmentSecret: false\n"));
        assertTrue(noKey.getMessage().contains("JWT_SECRET"), noKey.getMessage());
        ConfigException badPem = assertThrows(ConfigException.class,
                () -> settings("auth:\n  publicKey: \"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"\n"));
        assertTrue(badPem.getMessage().contains("auth.publicKey"), badPem.getMessage());
        ConfigException missingFile = assertThrows(ConfigException.class,
                () -> settings("auth:\n  publicKey: /no/such/key.pem\n"));
        assertTrue(missingFile.getMessage().contains("/no/such/key.pem"), missingFile.getMessage());
        ConfigException weak = assertThrows(ConfigException.class,
                () -> settings("auth:\n  secret: " + SECRET + "\n  algorithms: [HS512]\n"));
        assertTrue(weak.getMessage().contains("HS512 needs auth.secret (JWT_SECRET) of at least 64 bytes"),
                weak.getMessage());
    }

    @Test
    void withoutAnyKeyTheDevelopmentSecretIsUsed() throws Exception {
        AuthSettings settings = settings("");
        assertTrue(settings.developmentSecret());
        JwtVerifier verifier = new JwtVerifier(settings, null);
        assertEquals("dev", verify(verifier, hs(AuthSettings.DEVELOPMENT_SECRET, "dev", inAnHour())).get("sub"));
    }
}
