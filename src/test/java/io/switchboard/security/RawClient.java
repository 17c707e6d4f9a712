package io.switchboard.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO client at the wire level, over a real websocket: it sends the text packets a test writes (hostile ones
 * included) and collects what the server sends. It answers pings so the session stays up while a test waits.
 */
final class RawClient implements AutoCloseable, WebSocket.Listener {
    static final long TIMEOUT_SECONDS = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    /** The Engine.IO session id from the OPEN packet. */
    String sid;

    /** Connects over websocket and reads the OPEN packet. */
    static RawClient connect(int port) throws Exception {
        RawClient client = new RawClient();
        client.ws = HTTP.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String open = client.next();
        if (!open.startsWith("0{")) {
            throw new IllegalStateException("expected an OPEN packet, got " + open);
        }
        client.sid = open.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        return client;
    }

    /** Sends one Socket.IO packet (its Engine.IO MESSAGE prefix is added). */
    void send(String socketIoPacket) {
        ws.sendText("4" + socketIoPacket, true).join();
    }

    /** The next Socket.IO packet, without its Engine.IO prefix; pings are answered and skipped. */
    String next() throws InterruptedException {
        while (true) {
            String text = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (text == null) {
                throw new AssertionError("nothing received within " + TIMEOUT_SECONDS + " s");
            }
            if (text.equals("2")) {
                ws.sendText("3", true);
                continue;
            }
            return text.startsWith("4") ? text.substring(1) : text;
        }
    }

    /** Connects to a namespace and returns the server's answer (CONNECT or CONNECT_ERROR). */
    String connectTo(String namespace, String auth) throws InterruptedException {
        String prefix = "/".equals(namespace) ? "" : namespace + ",";
        send("0" + prefix + (auth == null ? "" : auth));
        return next();
    }

    /** Waits until the server closes the connection; the close code. */
    int awaitClose() throws Exception {
        return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            inbox.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.abort();
        }
    }
}
