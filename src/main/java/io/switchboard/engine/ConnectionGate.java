package io.switchboard.engine;

import java.net.InetSocketAddress;

/**
 * Decides, when a TCP connection is accepted and before any of its bytes is read, whether it may be served: the place
 * to count connections per client address. Called on the connection's event loop; must be cheap and thread-safe.
 */
public interface ConnectionGate {
    /**
     * @return null to serve the connection, which then holds its place until {@link #release}; otherwise the short
     *         reason code of the refusal (counted by {@link EngineObserver#connectionRefused}), and the connection is
     *         closed at once
     */
    String acquire(InetSocketAddress remote);

    /** The connection that {@link #acquire} let in has closed. Called exactly once for each. */
    void release(InetSocketAddress remote);

    ConnectionGate NONE = new ConnectionGate() {
        @Override
        public String acquire(InetSocketAddress remote) {
            return null;
        }

        @Override
        public void release(InetSocketAddress remote) {
        }
    };
}
