package io.switchboard.engine;

import java.util.ArrayList;
import java.util.List;

/** A websocket-like transport that records what the session does with it. */
final class FakeTransport implements Transport {
    final List<OutboundPacket> sent = new ArrayList<>();
    final List<Integer> batches = new ArrayList<>();
    List<OutboundPacket> closedWith;
    boolean discarded;
    boolean writable = true;
    long pendingBytes;

    @Override
    public EngineOptions.Transport kind() {
        return EngineOptions.Transport.WEBSOCKET;
    }

    @Override
    public long pendingBytes() {
        return pendingBytes;
    }

    @Override
    public boolean writable() {
        return writable && closedWith == null && !discarded;
    }

    @Override
    public void send(List<OutboundPacket> packets) {
        sent.addAll(packets);
        batches.add(packets.size());
    }

    @Override
    public void close(List<OutboundPacket> lastPackets) {
        if (closedWith == null) {
            closedWith = List.copyOf(lastPackets);
        }
    }

    @Override
    public void discard() {
        discarded = true;
    }

    boolean closed() {
        return closedWith != null;
    }

    List<String> sentForms() {
        return sent.stream().map(OutboundPacket::pollingForm).toList();
    }
}
