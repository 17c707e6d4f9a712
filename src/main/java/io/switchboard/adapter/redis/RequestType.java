package io.switchboard.adapter.redis;

/** The type codes of the classic protocol's requests and responses (section 4 of the wire format). */
final class RequestType {
    static final int SOCKETS = 0;
    static final int ALL_ROOMS = 1;
    static final int REMOTE_JOIN = 2;
    static final int REMOTE_LEAVE = 3;
    static final int REMOTE_DISCONNECT = 4;
    static final int REMOTE_FETCH = 5;
    static final int SERVER_SIDE_EMIT = 6;
    static final int BROADCAST = 7;
    static final int BROADCAST_CLIENT_COUNT = 8;
    static final int BROADCAST_ACK = 9;

    private RequestType() {
    }
}
