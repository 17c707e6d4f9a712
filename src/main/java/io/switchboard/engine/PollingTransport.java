package io.switchboard.engine;

import java.util.List;

/**
 * HTTP long-polling: a GET waits until there is something to send, a POST carries a payload in. Plain Java on the
 * session's loop; the Netty handler turns requests into {@link PollExchange}s.
 */
class PollingTransport implements Transport {
    private EngineSession session;
    /** Read from broadcasting threads by {@link #canTakeMore()}, hence volatile. */
    private volatile PollExchange pendingGet;
    private boolean closed;
    /** GETs that have come on this transport (answered or waiting), the handshake's included. */
    private int gets;

    void attach(EngineSession session) {
        this.session = session;
    }

    @Override
    public EngineOptions.Transport kind() {
        return EngineOptions.Transport.POLLING;
    }

    @Override
    public boolean writable() {
        return pendingGet != null;
    }

    /**
     * Only a waiting GET can take a packet now; without one a volatile packet is dropped rather than queued, as the
     * reference server does.
     */
    @Override
    public boolean canTakeMore() {
        return !closed && pendingGet != null;
    }

    void onPollRequest(PollExchange exchange) {
        if (closed) {
            exchange.respondError(EngineError.BAD_REQUEST);
            return;
        }
        if (pendingGet != null) {
            // the GET read first (on whichever loop) is the poll and gets the CLOSE; the other is the overlap
            PollExchange overlap = exchange;
            if (exchange.arrivedAt() - pendingGet.arrivedAt() < 0) {
                overlap = pendingGet;
                pendingGet = exchange;
            }
            overlap.respondError(EngineError.BAD_REQUEST);
            session.onTransportError(this, "overlap from client");
            return;
        }
        pendingGet = exchange;
        gets++;
        exchange.onAbort(() -> session.inbound(() -> onPollAborted(exchange)));
        session.onTransportReady(this);
    }

    /**
     * Whether a GET has come on this transport since the handshake. The handshake's own GET does not count: it is
     * answered with the OPEN packet at once, and the client's first poll may still be on its way.
     */
    boolean polled() {
        return gets > 1;
    }

    /** The connection of the waiting GET went away before it was answered. */
    void onPollAborted(PollExchange exchange) {
        if (exchange == pendingGet) {
            pendingGet = null;
            session.onTransportError(this, "poll connection closed prematurely");
        }
    }

    void onDataRequest(String body, PollExchange exchange) {
        if (closed) {
            exchange.respondError(EngineError.BAD_REQUEST);
            return;
        }
        List<Packet> packets;
        try {
            packets = decodePayload(body);
        } catch (MalformedPacketException e) {
            exchange.respondError(EngineError.BAD_REQUEST);
            session.onParseError(this, e.getMessage());
            return;
        }
        exchange.respondOk();
        for (Packet packet : packets) {
            if (closed) {
                return;
            }
            session.onPacket(this, packet);
        }
    }

    @Override
    public void send(List<OutboundPacket> packets) {
        PollExchange exchange = pendingGet;
        if (exchange == null) {
            return;
        }
        pendingGet = null;
        respond(exchange, packets, false);
    }

    @Override
    public void close(List<OutboundPacket> lastPackets) {
        if (closed) {
            return;
        }
        closed = true;
        PollExchange exchange = pendingGet;
        pendingGet = null;
        if (exchange != null) {
            respond(exchange, lastPackets, true);
        }
    }

    @Override
    public void discard() {
        if (closed) {
            return;
        }
        closed = true;
        PollExchange exchange = pendingGet;
        pendingGet = null;
        if (exchange != null) {
            respond(exchange, List.of(OutboundPacket.NOOP), false);
        }
    }

    /** Reads a POST body into packets; the protocol's payload format (v4 here). */
    List<Packet> decodePayload(String body) throws MalformedPacketException {
        return PacketCodec.decodePayload(body);
    }

    /** Answers a GET with packets, and a CLOSE packet last if asked; the protocol's payload format (v4 here). */
    void respond(PollExchange exchange, List<OutboundPacket> packets, boolean withClose) {
        exchange.respondPayload(join(packets, withClose));
    }

    static String join(List<OutboundPacket> packets, boolean withClose) {
        if (packets.size() == 1 && !withClose) {
            return packets.get(0).pollingForm();   // most polls carry one packet: no builder, no copy
        }
        int length = withClose ? 2 : 0;
        for (OutboundPacket packet : packets) {
            length += packet.pollingForm().length() + 1;
        }
        StringBuilder payload = new StringBuilder(length);
        for (OutboundPacket packet : packets) {
            if (payload.length() > 0) {
                payload.append(PacketCodec.RECORD_SEPARATOR);
            }
            payload.append(packet.pollingForm());
        }
        if (withClose) {
            if (payload.length() > 0) {
                payload.append(PacketCodec.RECORD_SEPARATOR);
            }
            payload.append(OutboundPacket.CLOSE.pollingForm());
        }
        return payload.toString();
    }
}
