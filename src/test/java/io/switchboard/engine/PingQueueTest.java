package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Many sessions of one loop sharing its ping timer, on a virtual clock. */
class PingQueueTest {
    private static final HandshakeRequest REQUEST = new HandshakeRequest("GET",
            "/socket.io/?EIO=4&transport=websocket", Map.of(), null, false, 0);
    private final ManualLoop loop = new ManualLoop();

    @Test
    void eachSessionPingsAtItsOwnIntervalWhenTheyOpenedAtDifferentTimes() {
        EngineOptions options = options(1_000);
        Opened a = open("a", options);
        loop.advance(300);
        Opened b = open("b", options);
        loop.advance(300);
        Opened c = open("c", options);

        loop.advance(399);   // t = 999
        assertEquals(List.of(0, 0, 0), pings(a, b, c));
        loop.advance(1);     // t = 1,000
        assertEquals(List.of(1, 0, 0), pings(a, b, c));
        loop.advance(299);
        assertEquals(List.of(1, 0, 0), pings(a, b, c));
        loop.advance(1);     // t = 1,300
        assertEquals(List.of(1, 1, 0), pings(a, b, c));
        loop.advance(300);
        assertEquals(List.of(1, 1, 1), pings(a, b, c));
    }

    @Test
    void aPongPutsTheSessionBackAtTheEndAndAClosedOneNeverPings() {
        EngineOptions options = options(1_000);
        Opened a = open("a", options);
        Opened b = open("b", options);
        Opened c = open("c", options);
        b.session.close();

        loop.advance(1_000);
        assertEquals(List.of(1, 0, 1), pings(a, b, c));
        loop.advance(100);
        c.pong();                 // its next ping at 2,100
        loop.advance(100);
        a.pong();                 // its next ping at 2,200
        loop.advance(899);        // t = 2,099
        assertEquals(List.of(1, 0, 1), pings(a, b, c));
        loop.advance(1);
        assertEquals(List.of(1, 0, 2), pings(a, b, c));
        loop.advance(99);
        assertEquals(List.of(1, 0, 2), pings(a, b, c));
        loop.advance(1);
        assertEquals(List.of(2, 0, 2), pings(a, b, c));
    }

    @Test
    void aShorterIntervalOnTheSameLoopStillPingsFirst() {
        Opened slow = open("slow", options(5_000));
        Opened fast = open("fast", options(1_000));
        loop.advance(1_000);
        assertEquals(List.of(0, 1), pings(slow, fast));
        loop.advance(4_000);
        assertEquals(List.of(1, 1), pings(slow, fast));
    }

    @Test
    void whenTheLastWaitingSessionGoesNoTimerIsLeft() {
        EngineOptions options = options(1_000);
        Opened a = open("a", options);
        Opened b = open("b", options);
        a.session.close();
        b.session.close();
        assertTrue(loop.pings().isEmpty());
        assertEquals(0, loop.pending(), "no timer outlives the sessions");
    }

    private static List<Integer> pings(Opened... sessions) {
        List<Integer> counts = new ArrayList<>();
        for (Opened opened : sessions) {
            counts.add((int) opened.transport.sentForms().stream().filter("2"::equals).count());
        }
        return counts;
    }

    private static EngineOptions options(long interval) {
        return new EngineOptions().pingInterval(interval).pingTimeout(60_000);
    }

    private Opened open(String id, EngineOptions options) {
        FakeTransport transport = new FakeTransport();
        EngineSession session = new EngineSession(id, REQUEST, options, loop, transport, closed -> { });
        session.setListener(new RecordingListener(session));
        session.open();
        return new Opened(session, transport);
    }

    private record Opened(EngineSession session, FakeTransport transport) {
        void pong() {
            session.onPacket(transport, Packet.text(PacketType.PONG, ""));
        }
    }
}
