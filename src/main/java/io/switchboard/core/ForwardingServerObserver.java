package io.switchboard.core;

import java.util.List;

import io.switchboard.engine.OutboundPacket;
import io.switchboard.protocol.PacketType;

/**
 * An observer that passes everything on to another: wrappers extend it and override only what they act on, so that a
 * method added to {@link ServerObserver} reaches the observers behind every wrapper (the metrics) without each
 * wrapper repeating it.
 */
public class ForwardingServerObserver implements ServerObserver {
    protected final ServerObserver next;

    public ForwardingServerObserver(ServerObserver next) {
        this.next = next;
    }

    @Override
    public void connected(Socket socket, boolean recovered) {
        next.connected(socket, recovered);
    }

    @Override
    public void disconnected(Socket socket, String reason) {
        next.disconnected(socket, reason);
    }

    @Override
    public void connectRefused(String namespace, String reason) {
        next.connectRefused(namespace, reason);
    }

    @Override
    public void packetIn(PacketType type) {
        next.packetIn(type);
    }

    @Override
    public void packetsOut(PacketType type, int count) {
        next.packetsOut(type, count);
    }

    @Override
    public void eventIn(String namespace, String event) {
        next.eventIn(namespace, event);
    }

    @Override
    public void messageIn(int length) {
        next.messageIn(length);
    }

    @Override
    public void messagesOut(List<OutboundPacket> encoded, int recipients) {
        next.messagesOut(encoded, recipients);
    }

    @Override
    public void roomJoined(String namespace, String room, String socketId) {
        next.roomJoined(namespace, room, socketId);
    }

    @Override
    public void roomLeft(String namespace, String room, String socketId) {
        next.roomLeft(namespace, room, socketId);
    }

    @Override
    public void broadcast(int recipients) {
        next.broadcast(recipients);
    }

    @Override
    public void ackRoundTrip(long nanos) {
        next.ackRoundTrip(nanos);
    }

    @Override
    public void volatileDropped() {
        next.volatileDropped();
    }

    @Override
    public void handlerError(HandlerKind kind) {
        next.handlerError(kind);
    }
}
