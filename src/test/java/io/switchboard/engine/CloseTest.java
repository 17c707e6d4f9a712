package io.switchboard.engine;

import static io.switchboard.engine.TestServer.RS;
import static io.switchboard.engine.TestServer.assertError;
import static io.switchboard.engine.TestServer.assertPending;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Point 7, second half, and the server-side close: who closes, what the client sees, what the listener hears. */
class CloseTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void clientClosePacketOverPollingReleasesThePendingGetWithNoop() throws Exception {
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        assertPending(pending, 150);

        HttpResponse<String> post = server.postPayload(sid, "1");

        assertEquals(200, post.statusCode());
        assertEquals("ok", post.body());
        assertEquals("6", await(pending).body());
        listener.assertClosed("transport close");
        assertNull(server.server.session(sid));
        assertError(server.poll(sid), 400, 1, "Session ID unknown");
    }

    @Test
    void packetsAfterTheClosePacketInTheSamePayloadAreIgnored() throws Exception {
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);

        assertEquals("ok", server.postPayload(sid, "4before" + RS + "1" + RS + "4after").body());

        assertEquals("before", listener.nextMessage());
        listener.assertClosed("transport close");
        assertTrue(listener.messages.isEmpty(), "got " + listener.messages);
    }

    @Test
    void clientClosePacketOverWebsocket() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = server.listener(sid);

            ws.sendText("1");

            ws.awaitClose();
            listener.assertClosed("transport close");
            assertNull(server.server.session(sid));
        }
    }

    @Test
    void serverCloseOverPollingDeliversQueuedPacketsThenClose() throws Exception {
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);
        RecordingListener listener = server.listener(sid);

        TestServer.onLoop(session, () -> {
            session.send(OutboundPacket.message("a"));
            session.send(OutboundPacket.binary(new byte[] {7}));
            session.close();
            session.send(OutboundPacket.message("too late"));
        });
        assertFalse(session.isOpen());

        // the CLOSE packet goes alone on the next GET, as the reference sends it: clients act on it at once
        assertEquals("4a" + RS + "bBw==", server.poll(sid).body());
        assertEquals("1", server.poll(sid).body());
        listener.assertClosed("forced close");
        assertError(server.poll(sid), 400, 1, "Session ID unknown");
    }

    @Test
    void serverCloseOverPollingAnswersAWaitingGetWithClose() throws Exception {
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        assertPending(pending, 150);

        server.session(sid).close();

        assertEquals("1", await(pending).body());
        listener.assertClosed("forced close");
    }

    @Test
    void serverCloseOverWebsocketSendsQueuedFramesThenTheCloseFrame() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            EngineSession session = server.session(sid);
            RecordingListener listener = server.listener(sid);

            TestServer.onLoop(session, () -> {
                session.send(OutboundPacket.message("last words"));
                session.send(OutboundPacket.binary(new byte[] {1, 2}));
                session.close();
            });

            assertEquals("4last words", ws.nextText());
            assertArrayEquals(new byte[] {1, 2}, ws.nextBinary());
            ws.awaitClose();
            assertTrue(ws.frames.isEmpty(), "no engine.io close packet over websocket, only the close frame");
            listener.assertClosed("forced close");
        }
    }

    @Test
    void serverStopClosesEverySessionAndEachListenerHearsItOnce() throws Exception {
        String polling = server.handshake().sid();
        String idle = server.handshake().sid();
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String websocket = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener pollingListener = server.listener(polling);
            RecordingListener idleListener = server.listener(idle);
            RecordingListener wsListener = server.listener(websocket);
            CompletableFuture<HttpResponse<String>> pending = server.pollAsync(polling);
            assertPending(pending, 150);

            server.close();

            assertEquals("1", await(pending).body(), "a waiting GET is answered before the server goes");
            ws.awaitClose();
            assertTrue(ws.frames.isEmpty());
            pollingListener.assertClosed("forced close");
            wsListener.assertClosed("forced close");
            idleListener.assertClosed("forced close");
            assertEquals(1, pollingListener.closeCalls.get());
            assertEquals(1, wsListener.closeCalls.get());
            assertEquals(1, idleListener.closeCalls.get());
            assertEquals(0, server.server.sessionCount());
        }
    }
}
