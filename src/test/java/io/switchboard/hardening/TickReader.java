package io.switchboard.hardening;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ordinary, attentive Socket.IO client over a websocket: answers pings, connects to "/", and checks that the
 * {@code tick} broadcasts (numbered, stamped with the server's send time) arrive one after the other, recording how
 * long each took.
 */
final class TickReader implements WebSocket.Listener {
    private static final Pattern TICK = Pattern.compile("^42\\[\"tick\",(\\d+),(\\d+),");

    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LatencyRecorder latencies;
    private final StringBuilder partial = new StringBuilder();
    // written by one client thread at a time, read by the test
    private volatile long firstTick = -1;
    private volatile long lastTick = -1;
    private volatile String orderViolation;
    private WebSocket ws;

    private TickReader(LatencyRecorder latencies) {
        this.latencies = latencies;
    }

    static CompletableFuture<TickReader> connect(HttpClient http, int port, LatencyRecorder latencies) {
        TickReader reader = new TickReader(latencies);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
        return http.newWebSocketBuilder().buildAsync(uri, reader)
                .thenCompose(ws -> reader.connected.orTimeout(30, TimeUnit.SECONDS))
                .thenApply(done -> reader);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            onMessage(webSocket, message);
        }
        webSocket.request(1);
        return null;
    }

    private void onMessage(WebSocket webSocket, String message) {
        if (message.equals("2")) {
            webSocket.sendText("3", true);
        } else if (message.startsWith("0{")) {
            webSocket.sendText("40", true);
        } else if (message.startsWith("40")) {
            connected.complete(null);
        } else if (message.startsWith("42[\"tick\"")) {
            Matcher m = TICK.matcher(message);
            if (!m.find()) {
                orderViolation = "unreadable tick " + message;
                return;
            }
            long tick = Long.parseLong(m.group(1));
            latencies.record(System.nanoTime() - Long.parseLong(m.group(2)));
            if (lastTick >= 0 && tick != lastTick + 1 && orderViolation == null) {
                orderViolation = "tick " + tick + " after " + lastTick;
            }
            if (firstTick < 0) {
                firstTick = tick;
            }
            lastTick = tick;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    long lastTick() {
        return lastTick;
    }

    long firstTick() {
        return firstTick;
    }

    String orderViolation() {
        return orderViolation;
    }

    void close() {
        ws.abort();
    }
}
