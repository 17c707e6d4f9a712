package io.switchboard.core.memory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A burst of allocation ends once enough was allocated fast and a quiet second followed; each is told once; steady
 * work never adds up to one.
 */
class AllocationBurstTest {
    private static final long MIB = 1L << 20;

    @Test
    void aBurstEndsAfterAQuietSecondAndIsToldOnce() {
        AllocationBurst burst = new AllocationBurst(16 * MIB, 8 * MIB, 4 * MIB, 1_000, 0, 0);
        assertFalse(burst.ended(10 * MIB, 200), "fast, but 10 MiB only");
        assertFalse(burst.ended(20 * MIB, 400), "20 MiB, still allocating fast");
        assertFalse(burst.ended(20 * MIB + 1024, 1_000), "quiet for 600 ms only");
        assertTrue(burst.ended(20 * MIB + 2048, 1_400));
        assertFalse(burst.ended(20 * MIB + 4096, 5_000), "the same burst is not told twice");
    }

    @Test
    void allocationAtTheQuietRateNeverAddsUpToABurst() {
        AllocationBurst burst = new AllocationBurst(16 * MIB, 8 * MIB, 4 * MIB, 1_000, 0, 0);
        long allocated = 0;
        for (long now = 200; now <= 600_000; now += 200) {
            allocated += 512 * 1024; // 2.5 MiB/s for ten minutes: 1.5 GiB, all of it heartbeat-like
            assertFalse(burst.ended(allocated, now), "at " + now + " ms");
        }
    }

    @Test
    void steadyWorkAroundTheQuietRateNeverAddsUpToABurst() {
        AllocationBurst burst = new AllocationBurst(16 * MIB, 8 * MIB, 4 * MIB, 1_000, 0, 0);
        long allocated = 0;
        for (long now = 200; now <= 600_000; now += 200) {
            // broadcasts at a moderate rate: 3 to 7 MiB/s, now above the quiet rate, now below it, for ten minutes
            allocated += (now / 200) % 3 == 0 ? 1400 * 1024 : 600 * 1024;
            assertFalse(burst.ended(allocated, now), "at " + now + " ms");
        }
    }

    @Test
    void steadyWorkPostponesTheEndOfABurst() {
        AllocationBurst burst = new AllocationBurst(16 * MIB, 8 * MIB, 4 * MIB, 1_000, 0, 0);
        assertFalse(burst.ended(32 * MIB, 200), "the burst");
        assertFalse(burst.ended(33 * MIB, 400), "5 MiB/s: not quiet");
        assertFalse(burst.ended(33 * MIB, 1_200), "quiet for 800 ms only");
        assertTrue(burst.ended(33 * MIB, 1_400));
    }

    @Test
    void aRetryTellsTheSameBurstAgainAtTheNextQuiet() {
        AllocationBurst burst = new AllocationBurst(16 * MIB, 8 * MIB, 4 * MIB, 1_000, 0, 0);
        assertFalse(burst.ended(32 * MIB, 200));
        assertTrue(burst.ended(32 * MIB, 1_200));
        burst.retry();
        assertFalse(burst.ended(40 * MIB, 1_400), "allocating again");
        assertFalse(burst.ended(40 * MIB, 2_200), "quiet for 800 ms only");
        assertTrue(burst.ended(40 * MIB, 2_400));
    }
}
