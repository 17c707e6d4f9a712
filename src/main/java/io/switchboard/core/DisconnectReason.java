package io.switchboard.core;

/** The reasons a socket disconnects, with the reference server's strings. */
public final class DisconnectReason {
    public static final String CLIENT_NAMESPACE_DISCONNECT = "client namespace disconnect";
    public static final String SERVER_NAMESPACE_DISCONNECT = "server namespace disconnect";
    public static final String TRANSPORT_CLOSE = "transport close";
    public static final String TRANSPORT_ERROR = "transport error";
    public static final String PING_TIMEOUT = "ping timeout";
    public static final String PARSE_ERROR = "parse error";
    public static final String SERVER_SHUTTING_DOWN = "server shutting down";
    public static final String FORCED_CLOSE = "forced close";
    public static final String FORCED_SERVER_CLOSE = "forced server close";

    private DisconnectReason() {
    }
}
