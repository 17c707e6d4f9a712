package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A client that stops reading is disconnected once its unsent output passes maxBufferedBytes. */
class SlowConsumerTest {
    private static final String TWENTY = "x".repeat(19);

    @Test
    void aPollingClientThatStopsPollingIsDisconnectedPastTheLimit() {
        SessionFixture f = SessionFixture.polling();
        AtomicInteger slow = new AtomicInteger();
        f.options.maxBufferedBytes(100).observer(new EngineObserver() {
            @Override
            public void slowConsumer(EngineSession session) {
                slow.incrementAndGet();
            }
        });

        for (int i = 0; i < 5; i++) {
            f.session.send(OutboundPacket.message(TWENTY));
        }
        assertNull(f.closed(), "100 bytes waiting is within the limit");
        f.session.send(OutboundPacket.message(TWENTY));

        assertEquals("transport error", f.closeReason());
        assertEquals("slow consumer", f.closed().description());
        assertEquals(1, slow.get());
    }

    @Test
    void aClientThatKeepsReadingIsNotDisconnected() {
        SessionFixture f = SessionFixture.polling();
        f.options.maxBufferedBytes(100);
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 4; i++) {
                f.session.send(OutboundPacket.message(TWENTY));
            }
            assertTrue(f.get().payload.startsWith("4" + TWENTY));
        }
        assertNull(f.closed());
    }

    @Test
    void websocketBytesNotYetTakenByThePeerCount() {
        SessionFixture f = SessionFixture.websocket();
        f.options.maxBufferedBytes(1_000);
        f.websocket.pendingBytes = 2_000;
        f.session.send(OutboundPacket.message("hello"));
        assertEquals("transport error", f.closeReason());
    }
}
