package io.switchboard.core;

/**
 * Modifiers of a broadcast: {@code volatile} packets are dropped for clients that are not ready, {@code local}
 * ones stay on this node, {@code compress} asks for per-message compression, {@code timeout} (ms, 0 for none)
 * bounds the wait for acknowledgements.
 */
public record BroadcastFlags(boolean isVolatile, boolean local, boolean compress, long timeout) {
    public static final BroadcastFlags DEFAULT = new BroadcastFlags(false, false, true, 0);

    public BroadcastFlags withVolatile() {
        return new BroadcastFlags(true, local, compress, timeout);
    }

    public BroadcastFlags withLocal() {
        return new BroadcastFlags(isVolatile, true, compress, timeout);
    }

    public BroadcastFlags withCompress(boolean value) {
        return new BroadcastFlags(isVolatile, local, value, timeout);
    }

    public BroadcastFlags withTimeout(long millis) {
        return new BroadcastFlags(isVolatile, local, compress, millis);
    }
}
