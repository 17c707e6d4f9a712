package io.switchboard.engine;

import java.util.concurrent.Executor;

/**
 * The single thread a session lives on: every change to a session's state runs here, so the session needs no locks.
 * In the server this is the Netty event loop that accepted the handshake; tests drive a manual one.
 */
public interface SessionLoop extends Executor {
    boolean inLoop();

    /** The loop's clock in milliseconds, for measuring between events (not a wall clock). */
    default long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** The sessions of this loop waiting for their next ping; one per loop. */
    PingQueue pings();

    /** Runs the task once after the delay; the returned handle cancels it. */
    Runnable schedule(Runnable task, long delayMillis);

    /**
     * Runs the task on this loop once every loop of the server has read what had already arrived on its connections
     * (and handed it to the sessions) when this was called. A loop that runs alone has nothing to wait for.
     */
    default void afterReadsInFlight(Runnable task) {
        execute(task);
    }
}
