package io.switchboard.engine;

import static io.switchboard.engine.TestServer.RS;
import static io.switchboard.engine.TestServer.assertError;
import static io.switchboard.engine.TestServer.assertPending;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Point 8: a packet of invalid format closes the session ("parse error"). */
class ParseErrorTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "9", "4ok" + RS, "4ok" + RS + "z", "b!!notbase64"})
    void invalidPollingPayloadIs400AndClosesTheSession(String payload) throws Exception {
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        assertPending(pending, 100);

        assertError(server.postPayload(sid, payload), 400, 3, "Bad request");

        assertEquals("1", await(pending).body());
        listener.assertClosed("parse error");
        assertTrue(listener.messages.isEmpty(), "nothing of a bad payload is delivered: " + listener.messages);
        assertError(server.poll(sid), 400, 1, "Session ID unknown");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "9hello", "b%%%"})
    void invalidWebsocketFrameClosesTheSession(String frame) throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = server.listener(sid);

            ws.sendText(frame);

            ws.awaitClose();
            listener.assertClosed("parse error");
            assertNull(server.server.session(sid));
        }
    }

    @Test
    void validPacketsBeforeABadFrameAreStillDelivered() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = server.listener(sid);
            ws.sendText("4fine");
            ws.sendText("?");
            assertEquals("fine", listener.nextMessage());
            listener.assertClosed("parse error");
        }
    }
}
