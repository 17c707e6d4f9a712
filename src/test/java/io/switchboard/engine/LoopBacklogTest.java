package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A loop that was kept from running (on a loaded machine) and then sends, in one turn, the broadcasts that queued up
 * meanwhile: websocket writes are flushed at the end of the turn, so for a moment they are all unflushed. A client
 * that reads everything is not taken for a slow consumer because of that.
 */
class LoopBacklogTest {
    private static final long LIMIT = 32 * 1024;
    private static final String PADDING = "b".repeat(4096);
    // twice the limit: a socket buffer takes that much even from a client that reads nothing for a while
    private static final int PACKETS = 16;

    @Test
    void packetsQueuedWhileTheLoopWasBusyDoNotCutOffAClientThatReads() throws Exception {
        try (TestServer server = TestServer.start(TestServer.quietOptions().maxBufferedBytes(LIMIT));
             WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            EngineSession session = server.session(sid);
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch blocked = new CountDownLatch(1);
            session.loop().execute(() -> {
                blocked.countDown();
                try {
                    busy.await(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(blocked.await(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            for (int i = 0; i < PACKETS; i++) {
                session.send(OutboundPacket.message(i + ":" + PADDING)); // twice the limit in all
            }
            busy.countDown();

            for (int i = 0; i < PACKETS; i++) {
                assertEquals("4" + i + ":" + PADDING, ws.nextText(), "packet " + i);
            }
            TestServer.onLoop(session, () -> { });
            assertTrue(session.isOpen(), "the session lives on");
            assertFalse(server.listener(sid).closed.isDone(), "the client was not cut off");
        }
    }
}
