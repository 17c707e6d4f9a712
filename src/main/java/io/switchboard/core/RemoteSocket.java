package io.switchboard.core;

import java.util.Map;
import java.util.Set;

/**
 * A socket found by {@code fetchSockets}, here or on another node: its details as they were, and operations that
 * reach it wherever it lives.
 */
public final class RemoteSocket {
    private final Namespace namespace;
    private final SocketInfo info;

    RemoteSocket(Namespace namespace, SocketInfo info) {
        this.namespace = namespace;
        this.info = info;
    }

    public String id() {
        return info.id();
    }

    public Handshake handshake() {
        return info.handshake();
    }

    public Set<String> rooms() {
        return info.rooms();
    }

    /** The socket's data as an object; empty when it is another JSON value (see {@link #dataValue}). */
    public Map<String, Object> data() {
        return info.dataObject();
    }

    /** The socket's data as it is, any JSON value: an ordered Map, a List, a String, a number, a boolean, null. */
    public Object dataValue() {
        return info.data();
    }

    private BroadcastOperator self() {
        return namespace.operator().to(info.id());
    }

    public void emit(String event, Object... args) {
        self().emit(event, args);
    }

    public void join(String... rooms) {
        self().socketsJoin(rooms);
    }

    public void leave(String... rooms) {
        self().socketsLeave(rooms);
    }

    public void disconnect(boolean close) {
        self().disconnectSockets(close);
    }
}
