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
import java.time.Duration;
import java.util.Set;

import io.switchboard.engine.CorsOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Browsers apply no CORS to websockets, so the server checks a websocket upgrade's Origin against the configured
 * origins itself: a page of another site gets 403, both for a new websocket session and for the upgrade of a polling
 * one. (CORS headers on polling responses are {@code engine.CorsTest}'s.)
 */
class WebSocketOriginTest {
    private static final String ALLOWED = "https://app.example.com";
    private static final String EVIL = "https://evil.example.net";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private EngineServer server;
    private int port;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(CorsOptions cors) throws InterruptedException {
        server = new EngineServer(new EngineOptions().cors(cors), session -> { });
        port = server.start("127.0.0.1", 0).getPort();
    }

    /** Sends a websocket upgrade request and returns the response head (status line and headers), and body if any. */
    private String upgrade(String query, String origin) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String request = "GET /socket.io/?" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            // read the head, then as much of a body as Content-Length announces
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.write(c);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            var length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
            if (length.find()) {
                text += new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
            }
            return text;
        }
    }

    private String pollingSid() throws Exception {
        HttpResponse<String> open = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
        return open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aNewWebsocketFromAnotherSiteIsRefused() throws Exception {
        start(CorsOptions.origins(Set.of(ALLOWED), true));
        String refused = upgrade("EIO=4&transport=websocket", EVIL);
        assertTrue(refused.startsWith("HTTP/1.1 403 "), refused);
        assertTrue(refused.endsWith("{\"code\":4,\"message\":\"Forbidden\"}"), refused);
        assertEquals(0, server.sessionCount());

        assertTrue(upgrade("EIO=4&transport=websocket", ALLOWED).startsWith("HTTP/1.1 101 "));
        // a page this server served itself is same-origin
        assertTrue(upgrade("EIO=4&transport=websocket", "http://127.0.0.1:" + port).startsWith("HTTP/1.1 101 "));
        assertTrue(upgrade("EIO=4&transport=websocket", "http://127.0.0.1:" + (port + 1))
                .startsWith("HTTP/1.1 403 "));
        // no Origin: not a browser page, which could not be told from any other client anyway
        assertTrue(upgrade("EIO=4&transport=websocket", null).startsWith("HTTP/1.1 101 "));
    }

    @Test
    void anUpgradeFromAnotherSiteLeavesThePollingSessionAlone() throws Exception {
        start(CorsOptions.origins(Set.of(ALLOWED), false));
        String sid = pollingSid();
        String refused = upgrade("EIO=4&transport=websocket&sid=" + sid, EVIL);
        assertTrue(refused.startsWith("HTTP/1.1 403 "), refused);
        assertEquals("polling", server.session(sid).transportName());
        assertTrue(server.session(sid).isOpen());

        assertTrue(upgrade("EIO=4&transport=websocket&sid=" + sid, ALLOWED).startsWith("HTTP/1.1 101 "));
    }

    @Test
    void anyOriginAndNoCorsLeaveWebsocketsOpenToAll() throws Exception {
        start(CorsOptions.anyOrigin(true));
        assertTrue(upgrade("EIO=4&transport=websocket", EVIL).startsWith("HTTP/1.1 101 "));
        server.stop();
        start(CorsOptions.DISABLED);
        assertTrue(upgrade("EIO=4&transport=websocket", EVIL).startsWith("HTTP/1.1 101 "));
    }
}
