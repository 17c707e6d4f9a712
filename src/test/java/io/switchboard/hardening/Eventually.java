package io.switchboard.hardening;

import java.util.function.BooleanSupplier;

/** Waits for a condition that the server reaches in its own time (timeouts, closes), with a deadline. */
final class Eventually {
    private Eventually() {
    }

    /** Polls the condition twice a second until it holds; fails once the deadline passes. */
    static void waitUntil(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(500);
        }
    }
}
