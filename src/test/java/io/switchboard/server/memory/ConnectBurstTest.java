package io.switchboard.server.memory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A burst of connects ends once enough arrived and none for the quiet time; each burst is told once. */
class ConnectBurstTest {
    @Test
    void aBurstEndsAfterItsQuietTimeAndIsToldOnce() {
        ConnectBurst burst = new ConnectBurst(1_000, 1_000, 10, 0);
        assertFalse(burst.ended(600, 100));
        assertFalse(burst.ended(1_200, 200), "still rising");
        assertFalse(burst.ended(1_200, 1_100), "quiet for 900 ms only");
        assertTrue(burst.ended(1_200, 1_200));
        assertFalse(burst.ended(1_200, 5_000), "the same burst is not told twice");
    }

    @Test
    void fewConnectsAreNoBurstAndDepartedOnesLowerTheMark() {
        ConnectBurst burst = new ConnectBurst(1_000, 1_000, 500, 0);
        assertFalse(burst.ended(900, 100));
        assertFalse(burst.ended(900, 5_000), "400 new connections are no burst");
        assertFalse(burst.ended(100, 6_000), "a mass disconnect is none either");
        assertFalse(burst.ended(1_100, 6_100));
        assertTrue(burst.ended(1_100, 7_100), "1,000 over the low mark after the disconnect");
    }
}
