package io.switchboard.core;

import java.util.Locale;

/** The kinds of application callback the core calls, as counted when one throws. */
public enum HandlerKind {
    CONNECTION,
    MIDDLEWARE,
    PACKET_MIDDLEWARE,
    EVENT,
    ANY,
    ANY_OUTGOING,
    ACK,
    ERROR,
    DISCONNECTING,
    DISCONNECT,
    SERVER_SIDE;

    /** The short lower-case code used as a metric label, e.g. "packet_middleware". */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
