package io.switchboard.engine;

import static io.switchboard.engine.TestServer.assertError;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Point 7, first half: the server pings every pingInterval and gives up pingTimeout after an unanswered ping. */
class HeartbeatTest {
    private static final long INTERVAL = 300;
    /** What the client is given to answer a ping: never under a second, the machine may be loaded. */
    private static final long TIMEOUT = 1_500;
    /** Scheduling and loopback slack allowed on top of the protocol's own delays (generous: shared machines). */
    private static final long SLACK = 2_000;
    /** How much earlier than due the client may see something, its clock starting after the server's. */
    private static final long EARLY = 50;

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(new EngineOptions().pingInterval(INTERVAL).pingTimeout(TIMEOUT));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void websocketPingsEveryIntervalWhileTheClientAnswers() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            long last = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                assertEquals("2", ws.nextText());
                long gap = TestServer.millisSince(last);
                // the first gap counts from when this client read the open, which may be late: no lower bound
                assertTrue((i == 0 || gap >= INTERVAL - EARLY) && gap <= INTERVAL + SLACK,
                        "ping " + i + " after " + gap + " ms");
                ws.sendText("3");
                last = System.nanoTime();
            }
            assertTrue(server.session(sid).isOpen(), "answered pings keep the session alive past the timeout");
        }
    }

    @Test
    void websocketWithoutPongIsClosedForPingTimeout() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            long opened = System.nanoTime();
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = server.listener(sid);

            assertEquals("2", ws.nextText());
            long pinged = System.nanoTime();
            ws.awaitClose();

            long sincePing = TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - pinged);
            long sinceOpen = TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - opened);
            assertTrue(sincePing >= TIMEOUT - EARLY && sincePing <= TIMEOUT + SLACK,
                    "closed " + sincePing + " ms after the ping");
            assertTrue(sinceOpen >= INTERVAL + TIMEOUT - EARLY && sinceOpen <= INTERVAL + TIMEOUT + SLACK,
                    "closed " + sinceOpen + " ms after the open");
            assertTrue(ws.frames.isEmpty(), "nothing after the ping but the close: " + ws.frames);
            listener.assertClosed("ping timeout");
            assertEquals(null, server.server.session(sid));
        }
    }

    /** engine.io 6.6: anything the client sends while the server waits for the pong extends the wait. */
    @Test
    void trafficWhileThePongIsAwaitedExtendsThePingTimeout() throws Exception {
        long timeout = 1_000;
        try (TestServer slow = TestServer.start(new EngineOptions().pingInterval(300).pingTimeout(timeout));
             WsClient ws = WsClient.connect(slow.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = slow.listener(sid);
            assertEquals("2", ws.nextText());
            long pinged = System.nanoTime();

            // no pong, but a message every 300 ms for three times the ping timeout
            long lastSent = pinged;
            while (TestServer.millisSince(pinged) < 3 * timeout) {
                Thread.sleep(300);
                ws.sendText("4busy");
                lastSent = System.nanoTime();
                assertFalse(ws.closed.isDone(), "closed " + TestServer.millisSince(pinged) + " ms after the ping");
            }
            ws.awaitClose();

            long afterLast = TimeUnit.NANOSECONDS.toMillis(ws.closedAtNanos - lastSent);
            assertTrue(afterLast >= timeout - EARLY, "closed " + afterLast + " ms after the last message");
            assertEquals("ping timeout", listener.awaitClose().reason());
        }
    }

    @Test
    void pollingPingIsDeliveredAndAnsweredByPost() throws Exception {
        String sid = server.handshake().sid();
        for (int i = 0; i < 3; i++) {
            assertEquals("2", server.poll(sid).body());
            assertEquals("ok", server.postPayload(sid, "3").body());
        }
        assertTrue(server.session(sid).isOpen());
    }

    @Test
    void pollingWithoutPongIsClosedForPingTimeout() throws Exception {
        long opening = System.nanoTime();
        String sid = server.handshake().sid();
        long opened = System.nanoTime();
        RecordingListener listener = server.listener(sid);

        assertEquals("2", server.poll(sid).body());
        long pinged = System.nanoTime();
        // the next GET waits, and is answered with the close when the timeout fires
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        HttpResponse<String> closing = await(pending);
        long sincePing = TestServer.millisSince(pinged);
        long sinceOpening = TestServer.millisSince(opening);
        long sinceOpen = TestServer.millisSince(opened);

        assertEquals("1", closing.body());
        assertTrue(sincePing >= TIMEOUT - EARLY && sincePing <= TIMEOUT + SLACK,
                "closed " + sincePing + " ms after the ping");
        assertTrue(sinceOpening >= INTERVAL + TIMEOUT - EARLY && sinceOpen <= INTERVAL + TIMEOUT + SLACK,
                "closed " + sinceOpening + " ms after asking for the open, " + sinceOpen + " ms after it came");
        listener.assertClosed("ping timeout");
        assertError(server.poll(sid), 400, 1, "Session ID unknown");
    }

    @Test
    void pollingClientThatStopsPollingIsClosedForPingTimeoutToo() throws Exception {
        long opening = System.nanoTime();
        String sid = server.handshake().sid();
        long opened = System.nanoTime();
        RecordingListener listener = server.listener(sid);

        RecordingListener.Close close = listener.assertClosed("ping timeout");

        // the session started between the two instants: bound it from below by the first, from above by the second
        long sinceOpening = TimeUnit.NANOSECONDS.toMillis(close.atNanos() - opening);
        long sinceOpen = TimeUnit.NANOSECONDS.toMillis(close.atNanos() - opened);
        assertTrue(sinceOpening >= INTERVAL + TIMEOUT - EARLY && sinceOpen <= INTERVAL + TIMEOUT + SLACK,
                "closed " + sinceOpening + " ms after asking for the open, " + sinceOpen + " ms after it came");
        assertError(server.poll(sid), 400, 1, "Session ID unknown");
    }

    @Test
    void clientPingIsTheWrongDirectionAndATransportError() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            ws.sendText("2");
            ws.awaitClose();
            server.listener(sid).assertClosed("transport error");
        }
    }
}
