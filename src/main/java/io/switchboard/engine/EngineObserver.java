package io.switchboard.engine;

/**
 * Hears what happens to sessions, for metrics and logs. Called on event loops: implementations must be cheap and
 * thread-safe, and must not block.
 */
public interface EngineObserver {
    /** A session opened over "polling" or "websocket". */
    default void sessionOpened(EngineSession session) {
    }

    /** A session closed, with the reference reason ("transport close", "ping timeout", ...). */
    default void sessionClosed(EngineSession session, String reason) {
    }

    /** A polling session moved to websocket. */
    default void upgraded(EngineSession session) {
    }

    /** A client fell behind by more than {@code maxBufferedBytes} and is being disconnected. */
    default void slowConsumer(EngineSession session) {
    }

    /**
     * A request was refused with an Engine.IO error before any session was opened or found. {@code request} is the
     * handshake when one was read (after {@link AllowRequest} let it through, it then opens no session), else null.
     */
    default void refused(EngineError error, HandshakeRequest request) {
    }

    /**
     * A TCP connection was closed before it became a session: refused when accepted, or closed by a deadline. The
     * reason is a short code, one of {@link ConnectionRefusal#ALL} or a {@link ConnectionGate}'s own.
     */
    default void connectionRefused(String reason) {
    }

    EngineObserver NONE = new EngineObserver() {
    };
}
