package io.switchboard.adapter.redis;

/** The message types of the sharded protocol (ClusterAdapter of socket.io-adapter; section 7 of the wire format). */
final class ShardedType {
    static final int INITIAL_HEARTBEAT = 1;
    static final int HEARTBEAT = 2;
    static final int BROADCAST = 3;
    static final int SOCKETS_JOIN = 4;
    static final int SOCKETS_LEAVE = 5;
    static final int DISCONNECT_SOCKETS = 6;
    static final int FETCH_SOCKETS = 7;
    static final int FETCH_SOCKETS_RESPONSE = 8;
    static final int SERVER_SIDE_EMIT = 9;
    static final int SERVER_SIDE_EMIT_RESPONSE = 10;
    static final int BROADCAST_CLIENT_COUNT = 11;
    static final int BROADCAST_ACK = 12;
    static final int ADAPTER_CLOSE = 13;

    private ShardedType() {
    }

    /** The types Node encodes as msgpack when their data holds binary; JSON otherwise. */
    static boolean mayCarryBinary(int type) {
        return type == BROADCAST || type == BROADCAST_ACK || type == FETCH_SOCKETS_RESPONSE
                || type == SERVER_SIDE_EMIT || type == SERVER_SIDE_EMIT_RESPONSE;
    }
}
