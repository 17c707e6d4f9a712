package io.switchboard.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * On the owner, a websocket that another node holds for one of this node's sessions: to the session it is a
 * websocket transport like any other (probe, upgrade, frames, close), and its frames travel through the relay.
 * Backpressure stays with the relay's connection: the owner sees no pending bytes.
 */
final class BridgedTransport implements Transport {
    private final ClusterEngine cluster;
    private final String relay;
    private final long id;
    private final String sid;
    private EngineSession session;
    private volatile boolean closed;

    BridgedTransport(ClusterEngine cluster, String relay, long id, String sid) {
        this.cluster = cluster;
        this.relay = relay;
        this.id = id;
        this.sid = sid;
    }

    void attach(EngineSession session) {
        this.session = session;
    }

    String relay() {
        return relay;
    }

    long id() {
        return id;
    }

    String sid() {
        return sid;
    }

    @Override
    public EngineOptions.Transport kind() {
        return EngineOptions.Transport.WEBSOCKET;
    }

    @Override
    public boolean writable() {
        return !closed;
    }

    @Override
    public void send(List<OutboundPacket> packets) {
        if (!closed) {
            cluster.sendToRelay(this, ClusterMessage.Type.WS_OUT, frames(packets));
        }
    }

    @Override
    public void close(List<OutboundPacket> lastPackets) {
        if (closed) {
            return;
        }
        closed = true;
        cluster.sendToRelay(this, ClusterMessage.Type.WS_CLOSE, frames(lastPackets));
    }

    @Override
    public void discard() {
        close(List.of());
    }

    /** Frames the client sent, in order, handed to the session on its loop. */
    void received(List<ClusterMessage.Frame> frames) {
        for (ClusterMessage.Frame frame : frames) {
            if (frame.binary()) {
                Packet packet = Packet.binary(frame.bytes());
                session.inbound(() -> session.onPacket(this, packet));
                continue;
            }
            try {
                Packet packet = PacketCodec.decode(new String(frame.bytes(), StandardCharsets.UTF_8));
                session.inbound(() -> session.onPacket(this, packet));
            } catch (MalformedPacketException e) {
                session.inbound(() -> session.onParseError(this, e.getMessage()));
            }
        }
    }

    /** The client's websocket closed at the relay, or the relay is gone. */
    void closedByPeer() {
        closed = true;
        if (session != null) {
            session.inbound(() -> session.onTransportClose(this));
        }
    }

    private static List<ClusterMessage.Frame> frames(List<OutboundPacket> packets) {
        List<ClusterMessage.Frame> frames = new ArrayList<>(packets.size());
        for (OutboundPacket packet : packets) {
            frames.add(new ClusterMessage.Frame(packet.isBinary(), packet.frameBytes()));
        }
        return frames;
    }
}
