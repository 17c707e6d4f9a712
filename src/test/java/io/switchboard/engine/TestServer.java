package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An in-process {@link EngineServer} on a free port, with a {@link RecordingListener} on every session, and the HTTP
 * helpers the integration tests share.
 */
final class TestServer implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 5;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS)).build();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RS = "\u001e";

    final EngineServer server;
    final int port;
    private final Map<String, CompletableFuture<RecordingListener>> listeners = new ConcurrentHashMap<>();

    private TestServer(EngineOptions options, Consumer<EngineSession> onConnection) throws InterruptedException {
        server = new EngineServer(options, session -> {
            RecordingListener listener = new RecordingListener(session);
            session.setListener(listener);
            onConnection.accept(session);
            listenerFuture(session.id()).complete(listener);
        });
        port = server.start("127.0.0.1", 0).getPort();
    }

    /** Options with a heartbeat slow enough never to get in the way of a test that is not about it. */
    static EngineOptions quietOptions() {
        return new EngineOptions().pingInterval(20_000).pingTimeout(10_000);
    }

    static TestServer start() throws InterruptedException {
        return start(quietOptions());
    }

    static TestServer start(EngineOptions options) throws InterruptedException {
        return new TestServer(options, session -> { });
    }

    static TestServer start(EngineOptions options, Consumer<EngineSession> onConnection) throws InterruptedException {
        return new TestServer(options, onConnection);
    }

    private boolean stopped;

    /** Stops the server once; a test may stop it itself before the @AfterEach does. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            server.stop();
        }
    }

    private CompletableFuture<RecordingListener> listenerFuture(String sid) {
        return listeners.computeIfAbsent(sid, k -> new CompletableFuture<>());
    }

    /** The listener of the session with this id, waiting for the layer above to have been handed the session. */
    RecordingListener listener(String sid) throws Exception {
        return listenerFuture(sid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    EngineSession session(String sid) throws Exception {
        return listener(sid).session;
    }

    /** Runs the task on the session's loop and waits for it, so that what it did is ordered before what follows. */
    static void onLoop(EngineSession session, Runnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.loop().execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- HTTP ----

    URI uri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/socket.io/?" + query);
    }

    URI wsUri(String query) {
        return URI.create("ws://127.0.0.1:" + port + "/socket.io/?" + query);
    }

    HttpRequest.Builder request(String query, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(query)).timeout(Duration.ofSeconds(TIMEOUT_SECONDS));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String query, String... headers) throws Exception {
        return send(request(query, headers).GET().build());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String query) {
        return HTTP.sendAsync(request(query).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body, String... headers) throws Exception {
        return send(request(query, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The next GET for a polling session. */
    HttpResponse<String> poll(String sid) throws Exception {
        return get(pollingQuery(sid));
    }

    CompletableFuture<HttpResponse<String>> pollAsync(String sid) {
        return getAsync(pollingQuery(sid));
    }

    HttpResponse<String> postPayload(String sid, String payload) throws Exception {
        return post(pollingQuery(sid), payload);
    }

    static String pollingQuery(String sid) {
        return "EIO=4&transport=polling&sid=" + sid;
    }

    /** A polling handshake: GET ?EIO=4&transport=polling, answered with the open packet. */
    Handshake handshake(String... headers) throws Exception {
        HttpResponse<String> response = get("EIO=4&transport=polling", headers);
        assertEquals(200, response.statusCode(), response.body());
        return Handshake.parse(response.body());
    }

    /** What the open packet of a session said. */
    record Handshake(String sid, JsonNode open) {
        static Handshake parse(String packet) throws Exception {
            assertTrue(packet.startsWith("0{"), "expected an open packet, got " + packet);
            JsonNode open = JSON.readTree(packet.substring(1));
            return new Handshake(open.get("sid").asText(), open);
        }
    }

    /** Asserts an Engine.IO error response: the status and exactly {"code":N,"message":"..."} as JSON. */
    static void assertError(HttpResponse<String> response, int status, int code, String message) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
        assertEquals(JSON.readTree("{\"code\":" + code + ",\"message\":" + JsonStrings.quote(message) + "}"),
                JSON.readTree(response.body()));
    }

    /** Asserts that nothing completes the future for the given time: the only waits that must be bounded. */
    static void assertPending(Future<?> future, long millis) {
        assertThrows(TimeoutException.class, () -> future.get(millis, TimeUnit.MILLISECONDS),
                "expected it still pending after " + millis + " ms");
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
