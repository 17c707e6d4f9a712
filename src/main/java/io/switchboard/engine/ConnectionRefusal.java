package io.switchboard.engine;

import java.util.List;

/**
 * The reason codes of connections closed before they became a session: refused when accepted, or closed by one of
 * the deadlines of {@link HttpDeadlines}. Reported through {@link EngineObserver#connectionRefused}.
 */
public final class ConnectionRefusal {
    /** The node holds {@link EngineOptions#maxConnections} connections already. */
    public static final String CONNECTION_LIMIT = "connection_limit";
    /** Nothing arrived within {@link EngineOptions#httpIdleTimeout} of the connection opening or its last response. */
    public static final String IDLE_TIMEOUT = "idle_timeout";
    /** A request head was not complete within {@link EngineOptions#requestHeadTimeout} of its first byte. */
    public static final String REQUEST_TIMEOUT = "request_timeout";
    /** A request body was not complete within {@link EngineOptions#httpRequestBodyTimeout} of its head. */
    public static final String BODY_TIMEOUT = "body_timeout";
    /** A websocket upgrade request was not switched within {@link EngineOptions#websocketHandshakeTimeout}. */
    public static final String HANDSHAKE_TIMEOUT = "handshake_timeout";

    /** Every code the engine itself reports; a {@link ConnectionGate} may add its own. */
    public static final List<String> ALL = List.of(CONNECTION_LIMIT, IDLE_TIMEOUT, REQUEST_TIMEOUT, BODY_TIMEOUT,
            HANDSHAKE_TIMEOUT);

    private ConnectionRefusal() {
    }
}
