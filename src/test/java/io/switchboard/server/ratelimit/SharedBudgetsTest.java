package io.switchboard.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The budgets shared between event loops (per user, per address) and the cooldowns, with a clock of our own. */
class SharedBudgetsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aKeyedBucketLimitsEachKeyAndIsForgottenOnceFull() {
        AtomicLong now = new AtomicLong(10 * SECOND);
        KeyedBuckets buckets = new KeyedBuckets(new RateLimitSettings.Limit(1, 2), now::get);
        assertEquals(0, buckets.take("a"));
        assertEquals(0, buckets.take("a"));
        assertEquals(SECOND, buckets.take("a"));
        assertEquals(SECOND, buckets.wait("a"), "waiting takes nothing");
        assertEquals(0, buckets.take("b"), "another key has its own bucket");
        assertEquals(0, buckets.wait("never-seen"));
        assertEquals(2, buckets.size());
        now.addAndGet(61 * SECOND);   // both full again, and a sweep is due
        assertEquals(0, buckets.take("c"));
        assertEquals(1, buckets.size(), "full buckets are swept, the busy one stays");
    }

    @Test
    void aCooldownHoldsForItsTimeThenGoes() {
        AtomicLong now = new AtomicLong(SECOND);
        Cooldowns cooldowns = new Cooldowns(30_000, now::get);
        cooldowns.start("a:10.0.0.1");
        assertEquals(30 * SECOND, cooldowns.remaining("a:10.0.0.1"));
        assertEquals(0, cooldowns.remaining("a:10.0.0.2"));
        assertEquals(0, cooldowns.remaining(null));
        now.addAndGet(29 * SECOND);
        assertEquals(SECOND, cooldowns.remaining("a:10.0.0.1"));
        now.addAndGet(SECOND);
        assertEquals(0, cooldowns.remaining("a:10.0.0.1"));
        Cooldowns off = new Cooldowns(0, now::get);
        off.start("u:x");
        assertEquals(0, off.remaining("u:x"));
    }

    @Test
    void aConnectionsConnectBudgetFromItsFirstConnectOn() {
        RateLimitSettings.Limit limit = new RateLimitSettings.Limit(1, 2);
        RateLimitSettings settings = new RateLimitSettings(true, new RateLimitSettings.Limit(10, 10), Map.of(),
                Set.of(), 0, 0, 0, 0, null, limit, null, null, null, 0);
        Connections.Budget budget = new Connections(settings).of("sid");
        // the same CONNECTs against a bucket made full at the first of them
        TokenBucket reference = new TokenBucket(1, 2, 5 * SECOND);
        long[] times = {5 * SECOND, 5 * SECOND + 1, 5 * SECOND + 2, 6 * SECOND, 6 * SECOND + 1, 9 * SECOND,
            9 * SECOND, 9 * SECOND, 9 * SECOND};
        for (long t : times) {
            long expected = reference.tryTake(t) ? 0 : Math.max(1, reference.nanosUntilToken(t));
            assertEquals(expected, budget.takeConnect(t), "at " + t);
        }
        assertTrue(budget.takeConnect(9 * SECOND) > 0, "the burst is two");
    }

    @Test
    void limitsParseAsRateSlashBurstOrOff() {
        assertEquals(new RateLimitSettings.Limit(5, 20), RateLimitSettings.parseLimit(" 5 / 20 "));
        assertNull(RateLimitSettings.parseLimit("off"));
        assertNull(RateLimitSettings.parseLimit("0/5"));
        assertNull(RateLimitSettings.parseLimit("5"));
        assertTrue(RateLimitSettings.of(1, 1, java.util.Map.of(), java.util.List.of(), 0, 1).connects() == null);
    }
}
