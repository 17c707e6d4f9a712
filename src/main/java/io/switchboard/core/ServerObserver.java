package io.switchboard.core;

import java.util.List;

import io.switchboard.engine.OutboundPacket;
import io.switchboard.protocol.PacketType;

/**
 * Hears what happens to sockets and packets, for metrics and logs. Called on event loops and adapter threads:
 * implementations must be cheap and thread-safe, and must not block.
 */
public interface ServerObserver {
    /** A socket joined a namespace; {@code recovered} when it came back through connection state recovery. */
    default void connected(Socket socket, boolean recovered) {
    }

    default void disconnected(Socket socket, String reason) {
    }

    /**
     * A namespace connection was refused: "invalid namespace", or the middleware's error: its {@code data.code} when
     * it has a textual one, else its message.
     */
    default void connectRefused(String namespace, String reason) {
    }

    default void packetIn(PacketType type) {
    }

    /** {@code count} clients were sent a packet of this type. */
    default void packetsOut(PacketType type, int count) {
    }

    default void eventIn(String namespace, String event) {
    }

    /** A client's message was read: {@code length} characters of a text message, or bytes of a binary one. */
    default void messageIn(int length) {
    }

    /** Each of {@code recipients} clients was written these encoded packets (sizes are read only by who needs them). */
    default void messagesOut(List<OutboundPacket> encoded, int recipients) {
    }

    /** A socket of this node entered a room it was not in (its own room excepted). */
    default void roomJoined(String namespace, String room, String socketId) {
    }

    /** A socket of this node left a room (its own room excepted), by leave() or by disconnecting. */
    default void roomLeft(String namespace, String room, String socketId) {
    }

    /** A broadcast reached {@code recipients} local sockets. */
    default void broadcast(int recipients) {
    }

    /** A client answered an acknowledgement the server asked for, {@code nanos} after the emit. */
    default void ackRoundTrip(long nanos) {
    }

    /** A volatile packet was dropped for a client that was not keeping up. */
    default void volatileDropped() {
    }

    /** An application callback of this kind threw; the core logged it and carried on. */
    default void handlerError(HandlerKind kind) {
    }

    ServerObserver NONE = new ServerObserver() {
    };
}
