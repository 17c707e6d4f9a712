package io.switchboard.server.ratelimit;

/**
 * A token bucket of plain fields, for one thread (a socket's event loop): no locks, no allocation; time in
 * {@link System#nanoTime()} units. Tokens are counted in nanos-of-a-token so that the arithmetic stays in longs.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** One token, in the bucket's unit: the nanoseconds it takes to earn it is {@code UNIT / perSecond}. */
    private final long nanosPerToken;
    private final long capacity;     // in nanos: burst * nanosPerToken
    private long available;          // in nanos
    private long last;

    TokenBucket(int perSecond, int burst, long now) {
        this.nanosPerToken = Math.max(1, NANOS_PER_SECOND / perSecond);
        this.capacity = nanosPerToken * burst;
        this.available = capacity;
        this.last = now;
    }

    /** Takes a token if there is one. */
    boolean tryTake(long now) {
        refill(now);
        if (available >= nanosPerToken) {
            available -= nanosPerToken;
            return true;
        }
        return false;
    }

    /** Nanoseconds until a token is available (0 when one is). */
    long nanosUntilToken(long now) {
        refill(now);
        return available >= nanosPerToken ? 0 : nanosPerToken - available;
    }

    /** Whether the bucket is full: it has not been used for as long as it takes to fill it. */
    boolean full(long now) {
        refill(now);
        return available >= capacity;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            last = now;
            available = elapsed >= capacity - available ? capacity : available + elapsed;
        }
    }
}
