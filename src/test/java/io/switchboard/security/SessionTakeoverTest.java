package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One client cannot drive another's session: a session id that is unknown, guessed or closed gets 400 "Session ID
 * unknown" for polls, posts and upgrades alike, and a closed session's id is never handed out again. (Ids from
 * the client are never adopted: {@code engine.SessionIdTest}; a second websocket onto a websocket session is closed:
 * {@code engine.UpgradeTest}.)
 */
class SessionTakeoverTest {
    private static final String UNKNOWN = "{\"code\":1,\"message\":\"Session ID unknown\"}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Server server;
    private int port;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        server = new Server();
        server.onConnection(socket -> socket.onAny((event, args) -> events.add(socket.id() + " " + event)));
        port = server.start("127.0.0.1", 0).getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?" + query))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String sid, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/socket.io/?EIO=4&transport=polling&sid=" + sid)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String handshake() throws Exception {
        HttpResponse<String> open = get("EIO=4&transport=polling");
        assertEquals(200, open.statusCode(), open.body());
        return open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private int upgradeStatus(String sid) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket&sid=" + sid + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.write(c);
            }
            return Integer.parseInt(line.toString(StandardCharsets.US_ASCII).split(" ")[1]);
        }
    }

    private void assertUnknown(String sid) throws Exception {
        HttpResponse<String> poll = get("EIO=4&transport=polling&sid=" + sid);
        assertEquals(400, poll.statusCode());
        assertEquals(UNKNOWN, poll.body());
        HttpResponse<String> send = post(sid, "40");
        assertEquals(400, send.statusCode());
        assertEquals(UNKNOWN, send.body());
        assertEquals(400, upgradeStatus(sid));
    }

    private void awaitSessions(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.engine().sessionCount() != count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, server.engine().sessionCount());
    }

    @Test
    void aClosedSessionsIdOpensNothing() throws Exception {
        String sid = handshake();
        assertEquals(200, post(sid, "40").statusCode());
        assertTrue(get("EIO=4&transport=polling&sid=" + sid).body().startsWith("40{\"sid\""));
        // the client closes its session
        assertEquals(200, post(sid, "1").statusCode());
        awaitSessions(0);

        assertUnknown(sid);
        assertEquals(0, server.engine().sessionCount());
        assertTrue(server.of("/").localSockets().isEmpty());
    }

    @Test
    void closedIdsAreNeverHandedOutAgain() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String sid = handshake();
            assertTrue(seen.add(sid), "session id handed out twice: " + sid);
            assertEquals(200, post(sid, "1").statusCode());
        }
        awaitSessions(0);
    }

    @Test
    void guessedIdsReachNoSession() throws Exception {
        String victim = handshake();
        assertEquals(200, post(victim, "40").statusCode());
        get("EIO=4&transport=polling&sid=" + victim);
        SecureRandom random = new SecureRandom();
        Set<String> guesses = new HashSet<>();
        // near misses of the real id (one character changed) and random ids of the same shape
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < victim.length(); i++) {
            char other = alphabet.charAt((alphabet.indexOf(victim.charAt(i)) + 1) % alphabet.length());
            guesses.add(victim.substring(0, i) + other + victim.substring(i + 1));
        }
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            guesses.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        guesses.addAll(List.of(victim.toLowerCase(), victim.toUpperCase(), victim + "x", victim.substring(1), "",
                " " + victim, victim + "%00"));
        guesses.remove(victim);
        for (String guess : guesses) {
            HttpResponse<String> posted = post(java.net.URLEncoder.encode(guess, StandardCharsets.UTF_8),
                    "42[\"takeover\"]");
            assertEquals(400, posted.statusCode(), guess);
        }
        assertEquals(1, server.engine().sessionCount());
        assertEquals(List.of(), events);

        // the victim's own session is untouched
        assertEquals(200, post(victim, "42[\"mine\"]").statusCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, events.size());
        assertTrue(events.get(0).endsWith(" mine"), events.toString());
    }
}
