package io.switchboard.server.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address, a user id), shared by every event loop: each bucket has its own small
 * lock. Buckets that filled up again are forgotten about once a minute, so a key costs memory only while it is busy.
 */
final class KeyedBuckets {
    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    private final RateLimitSettings.Limit limit;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    KeyedBuckets(RateLimitSettings.Limit limit, LongSupplier clock) {
        this.limit = limit;
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    /** Takes a token of the key's bucket: 0 when there was one, else the nanoseconds until there is. */
    long take(String key) {
        long now = clock.getAsLong();
        TokenBucket bucket = bucket(key, now);
        synchronized (bucket) {
            return bucket.tryTake(now) ? 0 : Math.max(1, bucket.nanosUntilToken(now));
        }
    }

    /** The nanoseconds until the key's bucket has a token (0: it has one), taking none. */
    long wait(String key) {
        long now = clock.getAsLong();
        TokenBucket bucket = buckets.get(key);
        if (bucket == null) {
            return 0;
        }
        synchronized (bucket) {
            return bucket.nanosUntilToken(now);
        }
    }

    /** Keys currently remembered (for tests). */
    int size() {
        return buckets.size();
    }

    private TokenBucket bucket(String key, long now) {
        sweep(now);
        TokenBucket bucket = buckets.get(key);
        return bucket != null ? bucket
                : buckets.computeIfAbsent(key, k -> new TokenBucket(limit.perSecond(), limit.burst(), now));
    }

    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_NANOS) {
            return;
        }
        lastSweep = now;
        buckets.forEach((key, bucket) -> {
            synchronized (bucket) {
                if (bucket.full(now)) {
                    buckets.remove(key, bucket);
                }
            }
        });
    }
}
