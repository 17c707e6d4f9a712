package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.crypto.spec.SecretKeySpec;

import io.jsonwebtoken.Jwts;
import io.socket.client.IO;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token checks at the door of the packaged server, through a real handshake: unsigned tokens, an HS256 token
 * signed with the server's RSA public key as its secret, expired and not-yet-valid tokens are refused with
 * CONNECT_ERROR, and the clock skew is honoured both ways. ({@code server.JwtVerifierTest} checks the verifier
 * itself.)
 */
class TokenHandshakeTest {
    private static final String SECRET = "a-token-test-secret-of-at-least-32-bytes!!";
    private static final KeyPair RSA = rsa();

    @TempDir
    Path dir;
    private final List<SwitchboardServer> servers = new ArrayList<>();
    private final List<io.socket.client.Socket> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(io.socket.client.Socket::close);
        servers.forEach(SwitchboardServer::close);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String publicPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(RSA.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private String start(String authYaml) throws Exception {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, "server:\n  host: 127.0.0.1\n  port: 0\npresence:\n  enabled: false\nauth:\n"
                + "  clockSkewSeconds: 30\n" + authYaml);
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of()));
        servers.add(server);
        server.start();
        return "http://127.0.0.1:" + server.address().getPort();
    }

    private String connect(String base, String token) throws Exception {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] {"websocket"}).setAuth(Map.of("token", token)).build();
        io.socket.client.Socket socket = IO.socket(URI.create(base), options);
        clients.add(socket);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> outcome.complete("connect"));
        socket.once(io.socket.client.Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error: "
                + (args.length > 0 && args[0] instanceof org.json.JSONObject json ? json.optString("message")
                        : String.valueOf(args[0]))));
        socket.connect();
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private static String rs256(Instant notBefore, Instant expires) {
        var builder = Jwts.builder().subject("alice");
        if (notBefore != null) {
            builder.notBefore(Date.from(notBefore));
        }
        if (expires != null) {
            builder.expiration(Date.from(expires));
        }
        return builder.signWith(RSA.getPrivate(), Jwts.SIG.RS256).compact();
    }

    private static String unsigned(String alg) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString("{\"sub\":\"mallory\"}".getBytes(StandardCharsets.UTF_8)) + ".";
    }

    @Test
    void withAPublicKeyOnlyItsOwnSignaturesWithinTheirTimeGetIn() throws Exception {
        String base = start("  publicKey: |\n    " + publicPem().strip().replace("\n", "\n    ") + "\n");
        Instant now = Instant.now();
        assertEquals("connect", connect(base, rs256(null, now.plusSeconds(600))));

        assertEquals("connect_error: Invalid token", connect(base, unsigned("none")));
        assertEquals("connect_error: Invalid token", connect(base, unsigned("RS256")));
        String confused = Jwts.builder().subject("mallory").signWith(new SecretKeySpec(
                publicPem().getBytes(StandardCharsets.UTF_8), "HmacSHA256"), Jwts.SIG.HS256).compact();
        assertEquals("connect_error: Invalid token", connect(base, confused));

        assertEquals("connect_error: Token expired", connect(base, rs256(null, now.minusSeconds(120))));
        assertEquals("connect", connect(base, rs256(null, now.minusSeconds(10))));
        assertEquals("connect_error: Invalid token", connect(base, rs256(now.plusSeconds(120), null)));
        assertEquals("connect", connect(base, rs256(now.plusSeconds(10), null)));
    }

    @Test
    void withASecretUnsignedAndForeignTokensAreRefused() throws Exception {
        String base = start("  secret: " + SECRET + "\n");
        String good = Jwts.builder().subject("alice").signWith(new SecretKeySpec(
                SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), Jwts.SIG.HS256).compact();
        assertEquals("connect", connect(base, good));
        assertEquals("connect_error: Invalid token", connect(base, unsigned("none")));
        assertEquals("connect_error: Invalid token", connect(base, unsigned("HS256")));
        // a valid signature, but by a key this server was never given
        assertEquals("connect_error: Invalid token", connect(base, rs256(null, Instant.now().plusSeconds(600))));
        // the signature of a good token on someone else's claims
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"admin\",\"roles\":[\"admin\"]}".getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals("connect_error: Invalid token", connect(base, forged));
    }
}
