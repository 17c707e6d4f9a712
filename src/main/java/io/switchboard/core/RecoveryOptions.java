package io.switchboard.core;

/**
 * Connection state recovery ({@code connectionStateRecovery} in the reference server): a socket that drops for a
 * recoverable reason keeps its id, rooms, data and missed packets for {@code maxDisconnectionDuration} ms;
 * {@code skipMiddlewares} lets a recovered socket in without running the namespace middlewares again.
 */
public record RecoveryOptions(long maxDisconnectionDuration, boolean skipMiddlewares) {
    public static final RecoveryOptions DEFAULTS = new RecoveryOptions(120_000, true);

    public RecoveryOptions {
        if (maxDisconnectionDuration <= 0) {
            throw new IllegalArgumentException("maxDisconnectionDuration must be positive, was "
                    + maxDisconnectionDuration);
        }
    }
}
