package io.switchboard.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@link EngineSession} on a {@link ManualLoop}, over a real {@link PollingTransport} or a fake websocket. */
final class SessionFixture {
    static final long INTERVAL = 1_000;
    static final long TIMEOUT = 500;
    /** Shorter than the ping interval, so that an unanswered ping never ends a session during an upgrade test. */
    static final long UPGRADE_TIMEOUT = 400;
    static final String RS = "\u001e";
    static final HandshakeRequest REQUEST = new HandshakeRequest("GET", "/socket.io/?EIO=4&transport=polling",
            Map.of(), null, false, 0);

    final ManualLoop loop = new ManualLoop();
    final EngineOptions options = new EngineOptions().pingInterval(INTERVAL).pingTimeout(TIMEOUT)
            .upgradeTimeout(UPGRADE_TIMEOUT).maxHttpBufferSize(4_096);
    final List<EngineSession> removed = new ArrayList<>();
    final EngineSession session;
    final RecordingListener listener;
    final PollingTransport polling;
    final FakeTransport websocket;

    private SessionFixture(PollingTransport polling, FakeTransport websocket) {
        this.polling = polling;
        this.websocket = websocket;
        session = new EngineSession("sid-1", REQUEST, options, loop, polling != null ? polling : websocket,
                removed::add);
        if (polling != null) {
            polling.attach(session);
        }
        listener = new RecordingListener(session);
        session.setListener(listener);
    }

    /** A polling session not yet opened: no GET, no open packet, no heartbeat. */
    static SessionFixture pollingUnopened() {
        return new SessionFixture(new PollingTransport(), null);
    }

    /** A polling session whose handshake GET has been answered with the open packet. */
    static SessionFixture polling() {
        SessionFixture f = pollingUnopened();
        FakePollExchange handshake = f.get();
        f.session.open();
        if (handshake.payload == null || !handshake.payload.startsWith("0{")) {
            throw new AssertionError("the handshake GET got " + handshake.payload);
        }
        return f;
    }

    /** A websocket session, opened. */
    static SessionFixture websocket() {
        SessionFixture f = new SessionFixture(null, new FakeTransport());
        f.session.open();
        return f;
    }

    /** A polling GET for the session. */
    FakePollExchange get() {
        return get(new FakePollExchange());
    }

    /** A polling GET for the session, handed to it now. */
    FakePollExchange get(FakePollExchange exchange) {
        session.onPollingRequest(null, exchange);
        return exchange;
    }

    /** A polling POST carrying the payload. */
    FakePollExchange post(String payload) {
        FakePollExchange exchange = new FakePollExchange();
        session.onPollingRequest(payload, exchange);
        return exchange;
    }

    /** A packet from the client over the current (or given) transport. */
    void receive(Transport from, String packet) {
        try {
            session.onPacket(from, PacketCodec.decode(packet));
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    RecordingListener.Close closed() {
        return listener.closed.getNow(null);
    }

    String closeReason() {
        RecordingListener.Close close = closed();
        return close == null ? null : close.reason();
    }
}
