package io.switchboard.fuzz;

import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.core.Handshake;
import io.switchboard.engine.HandshakeRequest;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketDecoder;
import io.switchboard.protocol.PacketDecodingException;
import io.switchboard.server.auth.AuthException;
import io.switchboard.server.auth.AuthMiddleware;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.auth.JwtVerifier;
import io.switchboard.server.config.ConfigLoader;

/**
 * What a client says about itself when it connects to a namespace: the handshake's query string and
 * Authorization header, and the CONNECT packet's auth payload. The input is {@code <namespace and auth JSON of
 * the CONNECT packet>} 0xFF {@code <query string>} 0xFF {@code <Authorization header>}. They go the way the server
 * takes them: the Socket.IO decoder ({@link PacketDecodingException} is its refusal), the query decoder
 * (IllegalArgumentException for bad percent-encoding is its refusal), the core's Handshake, the auth middleware's
 * token lookup (auth.token, then the header, then the query) and the JWT verifier ({@link AuthException}).
 */
class ConnectAuthFuzzTest {
    private static final String SECRET = "a-fuzzing-secret-that-is-at-least-32-bytes-long";
    private static final MethodHandle HANDSHAKE_OF = Internals.staticMethod("io.switchboard.core.Handshake", "of",
            Handshake.class, HandshakeRequest.class, ObjectNode.class);
    private static final MethodHandle TOKEN =
            Internals.virtualMethod(AuthMiddleware.class, "token", String.class, Handshake.class);
    private static final AuthSettings SETTINGS = settings();
    private static final JwtVerifier VERIFIER = new JwtVerifier(SETTINGS, null);
    private static final AuthMiddleware AUTH = new AuthMiddleware(SETTINGS, VERIFIER);

    @FuzzTest
    void connect(byte[] input) throws Throwable {
        List<byte[]> parts = Frames.split(input);
        ObjectNode auth;
        try {
            Packet connect = new PacketDecoder().add("0" + text(parts, 0));
            if (connect == null) {
                return; // "0" never announces attachments; a binary type is not a CONNECT
            }
            auth = connect.data() instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (PacketDecodingException expected) {
            return;
        }
        try {
            // the engine answers 400 to a url it cannot decode: no handshake is ever made of one
            new QueryStringDecoder("/socket.io/?" + text(parts, 1)).parameters();
        } catch (IllegalArgumentException expected) {
            return;
        }
        Map<String, List<String>> headers = parts.size() > 2
                ? Map.of("authorization", List.of(text(parts, 2))) : Map.of();
        HandshakeRequest request = new HandshakeRequest("GET", "/socket.io/?" + text(parts, 1), headers,
                new InetSocketAddress("127.0.0.1", 50000), false, 0L);
        Handshake handshake = (Handshake) HANDSHAKE_OF.invokeExact(request, auth);
        // what Client reads for connection state recovery
        auth.path("pid").asText();
        auth.path("offset").asText();
        String token = (String) TOKEN.invokeExact(AUTH, handshake);
        if (token == null) {
            return;
        }
        try {
            VERIFIER.verify(token).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof AuthException)) {
                throw new AssertionError("not an AuthException: " + e.getCause(), e.getCause());
            }
        }
    }

    private static String text(List<byte[]> parts, int index) {
        return index < parts.size() ? new String(parts.get(index), StandardCharsets.UTF_8) : "";
    }

    private static AuthSettings settings() {
        try {
            Path file = Files.createTempFile("switchboard-fuzz-auth", ".yml");
            file.toFile().deleteOnExit();
            Files.writeString(file, "auth:\n  secret: " + SECRET + "\n  queryToken: true\n");
            return AuthSettings.from(ConfigLoader.load(file, Map.of(), Map.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
