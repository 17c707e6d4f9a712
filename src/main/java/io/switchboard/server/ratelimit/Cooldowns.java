package io.switchboard.server.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keys (an address, a user) that were cut off for rate-limit violations and may not connect again until their
 * cooldown is over. Shared by every event loop; expired entries go when looked at, and all of them once a minute.
 */
final class Cooldowns {
    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    private final long nanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    Cooldowns(long millis, LongSupplier clock) {
        this.nanos = millis * 1_000_000L;
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    boolean enabled() {
        return nanos > 0;
    }

    /** The key waits out a full cooldown from now. */
    void start(String key) {
        if (enabled() && key != null) {
            long now = clock.getAsLong();
            sweep(now);
            until.put(key, now + nanos);
        }
    }

    /** The nanoseconds the key still has to wait; 0 when it may connect. */
    long remaining(String key) {
        if (!enabled() || key == null || until.isEmpty()) {
            return 0;
        }
        Long end = until.get(key);
        if (end == null) {
            return 0;
        }
        long left = end - clock.getAsLong();
        if (left <= 0) {
            until.remove(key, end);
            return 0;
        }
        return left;
    }

    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_NANOS) {
            return;
        }
        lastSweep = now;
        until.entrySet().removeIf(entry -> entry.getValue() - now <= 0);
    }
}
