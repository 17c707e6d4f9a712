package io.switchboard.core;

/**
 * Connection state recovery ({@code connectionStateRecovery} in the reference server): a socket that drops for a
 * recoverable reason keeps its id, rooms, data and missed packets for {@code maxDisconnectionDuration} ms;
 * {@code skipMiddlewares} lets a recovered socket in without running the namespace middlewares again. A reconnect
 * whose session the store does not give back within {@code storeTimeoutMillis} goes on as a new session, so a slow
 * or stalled store delays a reconnect by that much at most.
 */
public record RecoveryOptions(long maxDisconnectionDuration, boolean skipMiddlewares, long storeTimeoutMillis) {
    public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 2_000;
    public static final RecoveryOptions DEFAULTS = new RecoveryOptions(120_000, true);

    public RecoveryOptions {
        if (maxDisconnectionDuration <= 0) {
            throw new IllegalArgumentException("maxDisconnectionDuration must be positive, was "
                    + maxDisconnectionDuration);
        }
        if (storeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("storeTimeoutMillis must be positive, was " + storeTimeoutMillis);
        }
    }

    public RecoveryOptions(long maxDisconnectionDuration, boolean skipMiddlewares) {
        this(maxDisconnectionDuration, skipMiddlewares, DEFAULT_STORE_TIMEOUT_MILLIS);
    }
}
