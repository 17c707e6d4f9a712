package io.switchboard.engine;

import static io.switchboard.engine.TestServer.assertError;
import static io.switchboard.engine.TestServer.assertPending;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Point 6: moving a polling session to websocket. */
class UpgradeTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private WsClient probe(String sid) throws Exception {
        return WsClient.connect(server.wsUri("EIO=4&transport=websocket&sid=" + sid));
    }

    @Test
    void probeReleasesThePendingGetWithNoopAndUpgradeMovesTheSession() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);
        RecordingListener listener = server.listener(sid);
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        assertPending(pending, 150);

        try (WsClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            HttpResponse<String> released = await(pending);
            assertEquals(200, released.statusCode());
            assertEquals("6", released.body());
            assertEquals("polling", session.transportName(), "not upgraded before the client's 5");

            ws.sendText("5");
            // once upgraded, what the server sends goes over the websocket, and what the client sends comes in on it
            session.send(OutboundPacket.message("over ws"));
            assertEquals("4over ws", ws.nextText());
            assertEquals("websocket", session.transportName());
            ws.sendText("4from ws");
            assertEquals("from ws", listener.nextMessage());

            assertError(server.poll(sid), 400, 3, "Bad request");
            assertError(server.postPayload(sid, "4late"), 400, 3, "Bad request");
            assertTrue(session.isOpen());

            try (WsClient second = probe(sid)) {
                second.awaitClose();
                assertTrue(second.frames.isEmpty(), "the refused websocket got " + second.frames);
            }
            assertTrue(session.isOpen(), "the refused second websocket does not touch the session");
            session.send(OutboundPacket.message("still here"));
            assertEquals("4still here", ws.nextText());
        }
    }

    /** engine.io 6.6.10: the upgrade must speak the session's protocol revision. */
    @Test
    void upgradeWithAnotherEioIsRefusedAndTheSessionGoesOnPolling() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();

        assertEquals(400, WsClient.refusedStatus(server.wsUri("EIO=3&transport=websocket&sid=" + sid)));
        assertEquals(400, WsClient.refusedStatus(server.wsUri("transport=websocket&sid=" + sid)));

        assertEquals("polling", server.session(sid).transportName());
        assertEquals("ok", server.postPayload(sid, "4still").body());
        assertEquals("still", server.listener(sid).nextMessage());
    }

    @Test
    void packetsQueuedDuringTheProbeAreFlushedOverTheWebsocket() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);

        try (WsClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            // the client has paused polling: no GET is waiting, so these wait for the upgrade
            TestServer.onLoop(session, () -> {
                session.send(OutboundPacket.message("a"));
                session.send(OutboundPacket.binary(new byte[] {1}));
            });
            ws.sendText("5");
            assertEquals("4a", ws.nextText());
            assertEquals(1, ws.nextBinary()[0]);
        }
    }

    @Test
    void getArrivingDuringTheProbeIsReleasedWithNoop() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        try (WsClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            long start = System.nanoTime();
            HttpResponse<String> poll = server.poll(sid);
            assertEquals("6", poll.body());
            assertTrue(TestServer.millisSince(start) < 1_000);
        }
    }

    @Test
    void secondWebsocketDuringAnUpgradeIsClosed() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        try (WsClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            try (WsClient second = probe(sid)) {
                second.awaitClose();
            }
            ws.sendText("5");
            server.session(sid).send(OutboundPacket.message("ok"));
            assertEquals("4ok", ws.nextText());
        }
    }

    @Test
    void upgradeThatIsNeverCompletedIsAbandonedAndPollingGoesOn() throws Exception {
        server = TestServer.start(TestServer.quietOptions().upgradeTimeout(300));
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);
        long start = System.nanoTime();
        try (WsClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            ws.awaitClose();
            long elapsed = TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - start);
            assertTrue(elapsed >= 300 && elapsed < 2_000, "abandoned after " + elapsed + " ms");
        }
        assertTrue(session.isOpen());
        assertEquals("polling", session.transportName());
        session.send(OutboundPacket.message("via polling"));
        assertEquals("4via polling", server.poll(sid).body());
    }

    @Test
    void websocketUpgradeForAWebsocketSessionIsClosed() throws Exception {
        server = TestServer.start();
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            try (WsClient second = probe(sid)) {
                second.awaitClose();
            }
            assertTrue(server.session(sid).isOpen());
        }
    }
}
