package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A java.net.http websocket client that collects every message into a queue (a String for a text frame, a byte[] for
 * a binary one) and the end of the connection into a future.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    /** Completes with the close code the server sent, or -1 when the connection ended without a close frame. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile long closedAtNanos;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private WebSocket ws;

    static WsClient connect(URI uri) throws Exception {
        WsClient client = new WsClient();
        client.ws = TestServer.HTTP.newWebSocketBuilder().buildAsync(uri, client)
                .get(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return client;
    }

    /** Attempts a websocket handshake that the server must refuse; returns the HTTP status it answered with. */
    static int refusedStatus(URI uri) throws Exception {
        try {
            WebSocket ws = TestServer.HTTP.newWebSocketBuilder().buildAsync(uri, new WsClient())
                    .get(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("the websocket handshake to " + uri + " was accepted");
        } catch (ExecutionException e) {
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            return refused.getResponse().statusCode();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            frames.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            frames.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedAtNanos = System.nanoTime();
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closed.isDone()) {
            closedAtNanos = System.nanoTime();
        }
        closed.complete(-1);
    }

    Object nextFrame() throws InterruptedException {
        Object frame = frames.poll(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(frame, "no frame arrived");
        return frame;
    }

    String nextText() throws InterruptedException {
        return assertInstanceOf(String.class, nextFrame(), "expected a text frame");
    }

    byte[] nextBinary() throws InterruptedException {
        return assertInstanceOf(byte[].class, nextFrame(), "expected a binary frame");
    }

    void sendText(String data) throws Exception {
        ws.sendText(data, true).get(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits for the server to end the connection; returns the close code. */
    int awaitClose() throws Exception {
        return TestServer.await(closed);
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
    }
}
