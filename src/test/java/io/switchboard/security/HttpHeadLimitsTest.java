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

import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP request heads over the limits get a JSON error and a closed connection, over a real TCP socket; the server
 * goes on answering everyone else.
 */
class HttpHeadLimitsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private EngineServer server;
    private int port;

    @BeforeEach
    void start() throws InterruptedException {
        server = new EngineServer(new EngineOptions().maxInitialLineLength(1024).maxHeaderSize(2048)
                .maxHeaderCount(20), session -> { });
        port = server.start("127.0.0.1", 0).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** What came back on one raw connection: the whole response, read until the server closed. */
    private String exchange(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // reading to the end proves the close: a kept-alive connection would time out here
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private void assertRefused(String response, int status, String message) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.toLowerCase().contains("content-type: application/json"), response);
        assertTrue(response.toLowerCase().contains("connection: close"), response);
        assertTrue(response.endsWith("{\"message\":\"" + message + "\"}"), response);
    }

    private void assertStillServing() throws Exception {
        HttpResponse<String> handshake = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, handshake.statusCode());
        assertTrue(handshake.body().startsWith("0{\"sid\""), handshake.body());
    }

    @Test
    void anOverlongRequestLineGets414() throws Exception {
        String uri = "/socket.io/?EIO=4&transport=polling&pad=" + "x".repeat(2000);
        assertRefused(exchange("GET " + uri + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "Request-URI Too Long");
        assertStillServing();
    }

    @Test
    void overlongHeadersGet431() throws Exception {
        String head = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(3000)
                + "\r\n\r\n";
        assertRefused(exchange(head), 431, "Request Header Fields Too Large");
        assertStillServing();
    }

    @Test
    void tooManyHeaderFieldsGet431() throws Exception {
        StringBuilder head = new StringBuilder("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 25; i++) {
            head.append("X-H").append(i).append(": v\r\n");
        }
        assertRefused(exchange(head.append("\r\n").toString()), 431, "Request Header Fields Too Large");
        assertEquals(0, server.sessionCount());
        assertStillServing();
    }

    @Test
    void aMalformedHeadGets400() throws Exception {
        assertRefused(exchange("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nno colon here\r\n"
                + "\r\n"), 400, "Bad Request");
        assertStillServing();
    }

    @Test
    void headsWithinTheLimitsAreServed() throws Exception {
        StringBuilder head = new StringBuilder("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n");
        for (int i = 0; i < 15; i++) {
            head.append("X-H").append(i).append(": ").append("v".repeat(50)).append("\r\n");
        }
        String response = exchange(head.append("\r\n").toString());
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertTrue(response.contains("0{\"sid\""), response);
    }
}
