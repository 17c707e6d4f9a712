package io.switchboard.core;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A connection that joins no namespace within connectTimeout is closed; one that joins in time is not. */
class ConnectTimeoutTest {
    /** What the client is given to send its CONNECT: never under a second, the machine may be loaded. */
    private static final long CONNECT_TIMEOUT = 2_000;
    private Fixture fx;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket ws;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start(new ServerOptions().connectTimeout(CONNECT_TIMEOUT));
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
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

                            @Override
                            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                                closed.complete(status);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket socket, Throwable error) {
                                closed.complete(-1);
                            }
                        })
                .join();
    }

    @AfterEach
    void close() {
        ws.abort();
        fx.close();
    }

    @Test
    void aConnectionThatJoinsNoNamespaceIsClosed() {
        assertTrue(Fixture.take(frames).startsWith("0{"), "the Engine.IO open packet");
        assertEquals(1, fx.server.engine().sessionCount());

        await(closed);
    }

    @Test
    void aConnectionThatJoinsInTimeStaysOpen() throws Exception {
        assertTrue(Fixture.take(frames).startsWith("0{"));

        ws.sendText("40", true).join();

        assertTrue(Fixture.take(frames).startsWith("40{\"sid\":"), "the CONNECT reply");
        // a bounded wait for something that must not happen: well past the connect timeout
        assertFalse(waitForClose(2 * CONNECT_TIMEOUT), "closed although it joined a namespace");
        assertEquals(1, fx.server.sockets().localSockets().size());
    }

    @Test
    void aRefusedNamespaceDoesNotCountAsJoined() {
        assertTrue(Fixture.take(frames).startsWith("0{"));

        ws.sendText("40/nope,", true).join();

        assertEquals("44/nope,{\"message\":\"Invalid namespace\"}", Fixture.take(frames));
        await(closed);
    }

    private boolean waitForClose(long millis) throws Exception {
        try {
            closed.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
