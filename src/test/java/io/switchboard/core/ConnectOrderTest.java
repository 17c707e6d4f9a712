package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client gets when it joins, as with the reference server: the CONNECT reply first, then what the connection
 * handler emitted to the socket, then what it broadcast, in call order; over polling the first response carries all
 * of it. Seen on the wire, with raw Engine.IO clients.
 */
class ConnectOrderTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> {
            socket.emit("welcome");
            fx.server.emit("joined");
            socket.emit("after");
        });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void overWebsocket() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + fx.port + "/socket.io/?EIO=4&transport=websocket"),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    frames.add(text.toString());
                                    text.setLength(0);
                                }
                                socket.request(1);
                                return null;
                            }
                        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try {
            assertTrue(next(frames).startsWith("0{"), "the Engine.IO open");
            ws.sendText("40", true).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertTrue(next(frames).startsWith("40{\"sid\""), "the CONNECT reply first");
            assertEquals("42[\"welcome\"]", next(frames));
            assertEquals("42[\"joined\"]", next(frames));
            assertEquals("42[\"after\"]", next(frames));
        } finally {
            ws.abort();
        }
    }

    @Test
    void overPollingTheFirstResponseCarriesAllThatIsReady() throws Exception {
        String base = "http://127.0.0.1:" + fx.port + "/socket.io/?EIO=4&transport=polling";
        String open = get(base).join();
        assertTrue(open.startsWith("0{"), open);
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf('"', open.indexOf("\"sid\":\"") + 7));
        String session = base + "&sid=" + sid;

        // the GET may be waiting when the CONNECT is handled, or come after: either way it gets everything
        CompletableFuture<String> firstPoll = get(session);
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(session)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode());

        List<String> packets = List.of(firstPoll.get(WAIT.toSeconds(), TimeUnit.SECONDS).split("\u001e"));
        assertEquals(4, packets.size(), packets::toString);
        assertTrue(packets.get(0).startsWith("40{\"sid\""), packets::toString);
        assertEquals(List.of("42[\"welcome\"]", "42[\"joined\"]", "42[\"after\"]"),
                new ArrayList<>(packets.subList(1, 4)));
    }

    private CompletableFuture<String> get(String uri) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(uri)).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body);
    }

    private static String next(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within " + WAIT);
        }
        return frame;
    }
}
