package io.switchboard.engine;

import static io.switchboard.engine.SessionFixture.INTERVAL;
import static io.switchboard.engine.SessionFixture.UPGRADE_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The upgrade from polling to websocket, step by step on a virtual clock. */
class SessionUpgradeTest {

    @Test
    void probeThenUpgradeMovesTheSessionToTheWebsocket() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();
        FakeTransport ws = new FakeTransport();

        assertTrue(f.session.tryUpgrade(ws));
        f.receive(ws, "2probe");

        assertEquals(List.of("3probe"), ws.sentForms());
        waiting.assertPayload("6");
        assertEquals("polling", f.session.transportName());

        f.session.send(OutboundPacket.message("during"));
        f.receive(ws, "5");

        assertEquals("websocket", f.session.transportName());
        assertEquals(List.of("3probe", "4during"), ws.sentForms(), "what was queued follows on the websocket");
        f.get().assertError(EngineError.BAD_REQUEST);
        f.post("4x").assertError(EngineError.BAD_REQUEST);
        f.receive(ws, "4hello");
        assertEquals("hello", f.listener.messages.poll());
        assertFalse(f.session.tryUpgrade(new FakeTransport()), "one upgrade per session");
        assertTrue(f.session.isOpen());
    }

    @Test
    void upgradeReleasesAGetStillWaitingWithNoop() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        FakePollExchange late = f.get();
        assertFalse(late.answered());

        f.receive(ws, "5");

        late.assertPayload("6");
    }

    @Test
    void getsArrivingWhileProbingAreReleasedWithNoopEveryHundredMillis() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");

        FakePollExchange next = f.get();
        f.loop.advance(EngineSession.UPGRADE_NOOP_INTERVAL - 1);
        assertFalse(next.answered());
        f.loop.advance(1);
        next.assertPayload("6");

        FakePollExchange another = f.get();
        f.loop.advance(EngineSession.UPGRADE_NOOP_INTERVAL);
        another.assertPayload("6");

        f.receive(ws, "5");
        FakePollExchange afterUpgrade = f.get();
        afterUpgrade.assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void heartbeatContinuesOverTheNewTransport() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        f.receive(ws, "5");

        f.loop.advance(INTERVAL);

        assertEquals("2", ws.sentForms().get(ws.sent.size() - 1));
        f.receive(ws, "3");
        f.loop.advance(INTERVAL - 1);
        assertTrue(f.session.isOpen());
    }

    @Test
    void secondUpgradeWhileOneIsUnderWayIsRefused() {
        SessionFixture f = SessionFixture.polling();
        assertTrue(f.session.tryUpgrade(new FakeTransport()));
        assertFalse(f.session.tryUpgrade(new FakeTransport()));
    }

    @Test
    void websocketSessionCannotUpgrade() {
        SessionFixture f = SessionFixture.websocket();
        assertFalse(f.session.tryUpgrade(new FakeTransport()));
    }

    @Test
    void closedSessionCannotUpgrade() {
        SessionFixture f = SessionFixture.polling();
        f.session.close();
        assertFalse(f.session.tryUpgrade(new FakeTransport()));
    }

    @Test
    void upgradeNotCompletedInTimeIsAbandoned() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        f.loop.advance(UPGRADE_TIMEOUT - 1);
        assertFalse(ws.closed());

        f.loop.advance(1);

        assertTrue(ws.closed());
        assertTrue(f.session.isOpen());
        assertEquals("polling", f.session.transportName());
        FakePollExchange poll = f.get();
        f.loop.advance(EngineSession.UPGRADE_NOOP_INTERVAL * 3);
        assertFalse(poll.answered(), "no more NOOPs once the probe is over");
        f.session.send(OutboundPacket.message("still polling"));
        poll.assertPayload("4still polling");
        assertTrue(f.session.tryUpgrade(new FakeTransport()), "the client may try again");
    }

    @Test
    void anythingButProbeOrUpgradeOnTheTargetAbandonsIt() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "4too early");
        assertTrue(ws.closed());
        assertTrue(f.session.isOpen());
        assertTrue(f.listener.messages.isEmpty());
    }

    @Test
    void targetFailingAbandonsTheUpgradeButNotTheSession() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.session.onParseError(ws, "bad");
        assertTrue(ws.closed());
        assertTrue(f.session.isOpen());

        FakeTransport again = new FakeTransport();
        assertTrue(f.session.tryUpgrade(again));
        f.session.onTransportClose(again);
        assertTrue(f.session.isOpen());
        assertNull(f.closed());
        assertTrue(f.session.tryUpgrade(new FakeTransport()));
    }

    @Test
    void sessionClosingDuringTheProbeClosesTheTarget() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();
        FakeTransport ws = new FakeTransport();
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        FakePollExchange next = f.get();

        f.post("1");

        assertTrue(ws.closed());
        assertEquals("transport close", f.closeReason());
        waiting.assertPayload("6");
        next.assertPayload("6");
        assertEquals(0, f.loop.pending());
    }

    /**
     * The server closes (a connection handler calling disconnect(true)) while the client is probing: the client may
     * already have paused polling and switched, so the upgrade still completes and the queued packets and the close
     * go out over the websocket rather than waiting for a GET that never comes.
     */
    @Test
    void serverCloseDuringTheProbeFinishesOverTheUpgradedTransport() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        closeWithByeWhileProbing(f, ws);
        assertFalse(ws.closed(), "the probe survives a close that is still delivering");

        f.receive(ws, "5");

        assertEquals(List.of("3probe"), ws.sentForms());
        assertEquals(List.of("4bye"), ws.closedWith.stream().map(OutboundPacket::pollingForm).toList(),
                "the queued packets go out just before the websocket closes");
        assertEquals("forced close", f.closeReason());
        assertEquals(0, f.loop.pending());
    }

    @Test
    void serverCloseDuringTheProbeStillClosesOverPollingWhenTheClientPolls() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        closeWithByeWhileProbing(f, ws);

        f.get().assertPayload("4bye");
        f.get().assertPayload("1");

        assertTrue(ws.closed(), "the probe goes with the session");
        assertEquals("forced close", f.closeReason());
        assertEquals(0, f.loop.pending());
    }

    private static void closeWithByeWhileProbing(SessionFixture f, FakeTransport ws) {
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        f.session.send(OutboundPacket.message("bye"));
        f.session.close();
    }

    @Test
    void pingTimeoutDuringTheProbeClosesTheTarget() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.loop.advance(INTERVAL);
        f.get().assertPayload("2");
        // probing starts late enough that the ping times out before the upgrade would
        f.loop.advance(SessionFixture.TIMEOUT - UPGRADE_TIMEOUT + 100);
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        assertFalse(ws.closed());

        f.loop.advance(UPGRADE_TIMEOUT - 100);

        assertEquals("ping timeout", f.closeReason());
        assertTrue(ws.closed());
    }

    @Test
    void queuedPacketsGoOutInOrderAcrossTheUpgrade() {
        SessionFixture f = SessionFixture.polling();
        FakeTransport ws = new FakeTransport();
        f.session.send(OutboundPacket.message("1st"));
        f.get().assertPayload("41st");
        f.session.tryUpgrade(ws);
        f.receive(ws, "2probe");
        f.session.send(OutboundPacket.message("2nd"));
        f.session.send(OutboundPacket.message("3rd"));
        f.receive(ws, "5");
        assertEquals(List.of("3probe", "42nd", "43rd"), ws.sentForms());
        assertFalse(ws.sentForms().contains("6"), "NOOPs are for polling only");
    }
}
