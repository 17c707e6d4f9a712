package io.switchboard.engine;

import static io.switchboard.engine.SessionFixture.INTERVAL;
import static io.switchboard.engine.SessionFixture.RS;
import static io.switchboard.engine.SessionFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The session state machine on a virtual clock: open, send, heartbeat and every way of closing. */
class SessionStateMachineTest {

    @Test
    void openPacketAnswersTheHandshakeGet() {
        SessionFixture f = SessionFixture.pollingUnopened();
        FakePollExchange handshake = f.get();
        assertFalse(handshake.answered());

        f.session.open();

        handshake.assertPayload("0{\"sid\":\"sid-1\",\"upgrades\":[\"websocket\"],\"pingInterval\":1000,"
                + "\"pingTimeout\":500,\"maxPayload\":4096}");
        assertTrue(f.session.isOpen());
        assertEquals("polling", f.session.transportName());
    }

    @Test
    void openOverWebsocketOffersNoUpgrades() {
        SessionFixture f = SessionFixture.websocket();
        assertEquals(List.of("0{\"sid\":\"sid-1\",\"upgrades\":[],\"pingInterval\":1000,\"pingTimeout\":500,"
                + "\"maxPayload\":4096}"), f.websocket.sentForms());
    }

    @Test
    void packetsWaitForTheNextGetAndGoTogether() {
        SessionFixture f = SessionFixture.polling();
        f.session.send(OutboundPacket.message("a"));
        f.session.send(List.of(OutboundPacket.binary(new byte[] {1}), OutboundPacket.message("b")));

        f.get().assertPayload("4a" + RS + "bAQ==" + RS + "4b");

        FakePollExchange waiting = f.get();
        assertFalse(waiting.answered(), "an empty queue holds the GET");
        f.session.send(OutboundPacket.message("c"));
        waiting.assertPayload("4c");
    }

    @Test
    void websocketSendsAtOnce() {
        SessionFixture f = SessionFixture.websocket();
        f.session.send(OutboundPacket.message("a"));
        f.session.send(List.of(OutboundPacket.message("b"), OutboundPacket.message("c")));
        assertEquals(List.of("4a", "4b", "4c"), f.websocket.sentForms().subList(1, 4));
        assertEquals(List.of(1, 1, 2), f.websocket.batches);
    }

    @Test
    void incomingMessagesReachTheListener() throws Exception {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange post = f.post("4hi" + RS + "bAQID" + RS + "6");
        assertTrue(post.ok);
        assertEquals("hi", f.listener.messages.poll());
        assertArrayEquals(new byte[] {1, 2, 3}, f.listener.binaries.poll());
        assertTrue(f.session.isOpen(), "a NOOP from the client is harmless");
    }

    // ---- heartbeat ----

    @Test
    void pingsAfterEachIntervalAndAPongRestartsIt() {
        SessionFixture f = SessionFixture.websocket();
        f.loop.advance(INTERVAL - 1);
        assertEquals(1, f.websocket.sent.size());
        f.loop.advance(1);
        assertEquals("2", f.websocket.sentForms().get(1));

        f.loop.advance(TIMEOUT - 1);
        f.receive(f.websocket, "3");
        f.loop.advance(INTERVAL - 1);
        assertEquals(2, f.websocket.sent.size(), "the next ping is an interval after the pong");
        f.loop.advance(1);
        assertEquals(List.of("2", "2"), f.websocket.sentForms().subList(1, 3));
        assertTrue(f.session.isOpen());
    }

    @Test
    void noPongWithinTheTimeoutClosesWithPingTimeout() {
        SessionFixture f = SessionFixture.websocket();
        f.loop.advance(INTERVAL + TIMEOUT - 1);
        assertTrue(f.session.isOpen());

        f.loop.advance(1);

        assertEquals("ping timeout", f.closeReason());
        assertEquals(INTERVAL + TIMEOUT, f.loop.now());
        assertTrue(f.websocket.closed());
        assertEquals(List.of(f.session), f.removed);
        assertEquals(0, f.loop.pending(), "no timer outlives the session");
    }

    @Test
    void pingTimeoutOverPollingAnswersTheWaitingGetWithClose() {
        SessionFixture f = SessionFixture.polling();
        f.loop.advance(INTERVAL);
        f.get().assertPayload("2");
        FakePollExchange waiting = f.get();

        f.loop.advance(TIMEOUT);

        waiting.assertPayload("1");
        assertEquals("ping timeout", f.closeReason());
        f.get().assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void clientPingIsATransportError() {
        SessionFixture f = SessionFixture.websocket();
        f.receive(f.websocket, "2");
        assertEquals("transport error", f.closeReason());
    }

    // ---- closes ----

    @Test
    void clientCloseOverPollingReleasesTheWaitingGetWithNoop() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();

        FakePollExchange post = f.post("1");

        assertTrue(post.ok);
        waiting.assertPayload("6");
        assertEquals("transport close", f.closeReason());
        assertFalse(f.session.isOpen());
        f.get().assertError(EngineError.BAD_REQUEST);
        f.post("4late").assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void aGetSentWithTheClosingPostButReadAfterItIsAnsweredWithNoopAtOnce() {
        SessionFixture f = SessionFixture.polling();
        assertTrue(f.post("1").ok);
        assertTrue(f.session.isOpen(), "the CLOSE waits for a GET that may have been sent with it");

        FakePollExchange late = f.get();

        late.assertPayload("6");
        assertEquals("transport close", f.closeReason());
        assertEquals(0, f.loop.pending(), "no timer outlives the session");
    }

    @Test
    void aClosingPostWithNoGetEndsTheSessionAfterTheGrace() {
        SessionFixture f = SessionFixture.polling();
        assertTrue(f.post("1").ok);
        f.loop.advance(EngineSession.CLIENT_CLOSE_GRACE_MILLIS - 1);
        assertTrue(f.session.isOpen());
        f.loop.advance(1);
        assertEquals("transport close", f.closeReason());
        f.get().assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void clientCloseOverWebsocketDiscardsTheTransport() {
        SessionFixture f = SessionFixture.websocket();
        f.receive(f.websocket, "1");
        assertTrue(f.websocket.discarded);
        assertEquals("transport close", f.closeReason());
    }

    @Test
    void serverCloseOverPollingDeliversQueuedPacketsThenCloseOnTheFollowingGet() {
        SessionFixture f = SessionFixture.polling();
        f.session.send(OutboundPacket.message("a"));
        f.session.send(OutboundPacket.message("b"));

        f.session.close();

        assertFalse(f.session.isOpen());
        assertNull(f.closed(), "the close waits for a GET to carry it");
        f.session.send(OutboundPacket.message("ignored"));
        f.get().assertPayload("4a" + RS + "4b");
        assertNull(f.closed(), "the CLOSE packet goes alone, on the GET after");
        f.get().assertPayload("1");
        assertEquals("forced close", f.closeReason());
        assertEquals(0, f.loop.pending());
    }

    @Test
    void serverCloseOverPollingGivesUpWaitingForAGet() {
        SessionFixture f = SessionFixture.polling();
        f.session.close();
        f.loop.advance(EngineSession.POLLING_CLOSE_TIMEOUT - 1);
        assertNull(f.closed());
        f.loop.advance(1);
        assertEquals("forced close", f.closeReason());
        f.get().assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void serverCloseWithAWaitingGetClosesAtOnce() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();
        f.session.close();
        waiting.assertPayload("1");
        assertEquals("forced close", f.closeReason());
    }

    @Test
    void serverCloseOverWebsocketWritesQueuedPacketsWithTheClose() {
        SessionFixture f = SessionFixture.websocket();
        f.websocket.writable = false;
        f.session.send(OutboundPacket.message("queued"));
        f.websocket.writable = true;

        f.session.close();

        assertEquals(List.of("4queued"), f.websocket.closedWith.stream().map(OutboundPacket::pollingForm).toList());
        assertEquals("forced close", f.closeReason());
    }

    @Test
    void closeNowDoesNotWaitForAGet() {
        SessionFixture f = SessionFixture.polling();
        f.session.send(OutboundPacket.message("lost"));

        f.session.closeNow();

        assertEquals("forced close", f.closeReason());
        assertEquals(List.of(f.session), f.removed);
        assertEquals(0, f.loop.pending());
        f.get().assertError(EngineError.BAD_REQUEST);
    }

    @Test
    void closeNowWithAWaitingGetDeliversQueuedPacketsAndClose() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();
        f.session.closeNow();
        waiting.assertPayload("1");
        assertEquals("forced close", f.closeReason());
        assertEquals(1, f.listener.closeCalls.get());
    }

    @Test
    void parseErrorInAPostIsABadRequestAndClosesTheSession() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange waiting = f.get();

        f.post("4ok" + RS + "x").assertError(EngineError.BAD_REQUEST);

        waiting.assertPayload("1");
        assertEquals("parse error", f.closeReason());
        assertTrue(f.listener.messages.isEmpty());
    }

    @Test
    void parseErrorOverWebsocket() {
        SessionFixture f = SessionFixture.websocket();
        f.session.onParseError(f.websocket, "unknown packet type");
        assertEquals("parse error", f.closeReason());
        assertEquals("unknown packet type", f.closed().description());
        assertTrue(f.websocket.closed());
    }

    @Test
    void overlappingGetIsRefusedAndClosesTheSession() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange first = f.get();

        f.get().assertError(EngineError.BAD_REQUEST);

        first.assertPayload("1");
        assertEquals("transport error", f.closeReason());
    }

    @Test
    void ofOverlappingGetsTheOneReadFirstGetsTheCloseWhicheverReachesTheSessionFirst() {
        SessionFixture f = SessionFixture.polling();
        FakePollExchange later = f.get(new FakePollExchange(2_000));

        // read first by another loop, handed over after the one above
        FakePollExchange earlier = f.get(new FakePollExchange(1_000));

        later.assertError(EngineError.BAD_REQUEST);
        earlier.assertPayload("1");
        assertEquals("transport error", f.closeReason());
    }

    @Test
    void abortedGetClosesTheSession() {
        SessionFixture f = SessionFixture.polling();
        f.get().abort();
        assertEquals("transport error", f.closeReason());
        assertEquals("poll connection closed prematurely", f.closed().description());
    }

    @Test
    void transportCloseAndTransportErrorAndCloseForError() {
        SessionFixture a = SessionFixture.websocket();
        a.session.onTransportClose(a.websocket);
        assertEquals("transport close", a.closeReason());

        SessionFixture b = SessionFixture.websocket();
        b.session.onTransportError(b.websocket, "reset");
        assertEquals("transport error", b.closeReason());

        SessionFixture c = SessionFixture.polling();
        c.session.closeForError("payload too large");
        assertEquals("transport error", c.closeReason());
        assertEquals("payload too large", c.closed().description());
    }

    @Test
    void eventsFromAStrangerTransportAreIgnored() {
        SessionFixture f = SessionFixture.websocket();
        FakeTransport stranger = new FakeTransport();
        f.receive(stranger, "1");
        f.session.onTransportClose(stranger);
        f.session.onParseError(stranger, "x");
        f.session.onTransportError(stranger, "x");
        assertTrue(f.session.isOpen());
        assertNull(f.closed());
    }

    @Test
    void theCloseIsReportedOnceWhateverFollows() {
        SessionFixture f = SessionFixture.websocket();
        f.receive(f.websocket, "1");
        f.session.onTransportClose(f.websocket);
        f.session.close();
        f.session.closeForError("again");
        f.loop.advance(10 * INTERVAL);
        assertEquals(1, f.listener.closeCalls.get());
        assertEquals(1, f.removed.size());
        assertEquals("transport close", f.closeReason());
    }

    @Test
    void nothingIsDeliveredAfterTheClose() {
        SessionFixture f = SessionFixture.websocket();
        f.session.close();
        int sent = f.websocket.sent.size();
        f.session.send(OutboundPacket.message("x"));
        f.receive(f.websocket, "4late");
        assertEquals(sent, f.websocket.sent.size());
        assertTrue(f.listener.messages.isEmpty());
    }
}
