package io.switchboard.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The bucket and the settings' parsing, with a clock of our own. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void burstThenRefillAtTheRate() {
        long now = 5 * SECOND;
        TokenBucket bucket = new TokenBucket(2, 3, now);
        assertTrue(bucket.tryTake(now));
        assertTrue(bucket.tryTake(now));
        assertTrue(bucket.tryTake(now));
        assertFalse(bucket.tryTake(now));
        assertEquals(SECOND / 2, bucket.nanosUntilToken(now));
        assertEquals(SECOND / 4, bucket.nanosUntilToken(now + SECOND / 4));
        assertTrue(bucket.tryTake(now + SECOND / 2));
        assertFalse(bucket.tryTake(now + SECOND / 2));
        // a long quiet time refills to the burst, not beyond
        long later = now + 3600 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertTrue(bucket.tryTake(later));
        }
        assertFalse(bucket.tryTake(later));
    }

    @Test
    void nanoTimeMayBeNegative() {
        long now = Long.MIN_VALUE + 10;
        TokenBucket bucket = new TokenBucket(1, 1, now);
        assertTrue(bucket.tryTake(now));
        assertFalse(bucket.tryTake(now + SECOND / 2));
        assertTrue(bucket.tryTake(now + SECOND));
    }

    @Test
    void eventLimitsParse() {
        assertEquals(Map.entry("chat", new RateLimitSettings.Limit(5, 10)),
                RateLimitSettings.parseEventLimit(" chat = 5/10 "));
        assertEquals(Map.entry("a:b=c", new RateLimitSettings.Limit(1, 2)),
                RateLimitSettings.parseEventLimit("a:b=c=1/2"));
        assertEquals(null, RateLimitSettings.parseEventLimit("chat=0/10"));
        assertEquals(null, RateLimitSettings.parseEventLimit("chat=5"));
        assertEquals(null, RateLimitSettings.parseEventLimit("=5/10"));
    }

    @Test
    void addressLimitsCountOpenSessionsAndNewOnesPerSecond() throws Exception {
        long[] clock = {0};
        AddressLimiter limiter = new AddressLimiter(0, 2, () -> clock[0]);
        var request = new io.switchboard.engine.HandshakeRequest("GET", "/", Map.of(),
                new java.net.InetSocketAddress("10.0.0.1", 1234), false, 0);
        var other = new io.switchboard.engine.HandshakeRequest("GET", "/", Map.of(),
                new java.net.InetSocketAddress("10.0.0.2", 1234), false, 0);
        assertEquals(null, limiter.check(request).toCompletableFuture().get());
        assertEquals(null, limiter.check(request).toCompletableFuture().get());
        assertEquals(AddressLimiter.TOO_MANY_NEW_CONNECTIONS, limiter.check(request).toCompletableFuture().get());
        assertEquals(null, limiter.check(other).toCompletableFuture().get(), "addresses are counted apart");
        clock[0] += SECOND / 2;
        assertEquals(null, limiter.check(request).toCompletableFuture().get(), "one more after half a second");
        assertEquals(AddressLimiter.TOO_MANY_NEW_CONNECTIONS, limiter.check(request).toCompletableFuture().get());
    }
}
