package io.switchboard.core.memory;

/**
 * Tells when a burst of allocation has ended: since the last time it said so, at least {@code minBytes} were
 * allocated at more than the quiet rate, and for {@code quietMillis} since then no more than that rate. Allocation at
 * the quiet rate or below (heartbeats of idle connections) never adds up to a burst, however long it runs. Plain
 * logic, fed with samples of the JVM's total allocated bytes; one thread.
 */
final class AllocationBurst {
    private final long minBytes;
    private final long quietBytesPerSecond;
    private final long quietMillis;
    private long lastBytes;
    private long lastAt;
    private long burstBytes;
    private long busyUntil;

    AllocationBurst(long minBytes, long quietBytesPerSecond, long quietMillis, long allocated, long now) {
        this.minBytes = minBytes;
        this.quietBytesPerSecond = quietBytesPerSecond;
        this.quietMillis = quietMillis;
        this.lastBytes = allocated;
        this.lastAt = now;
    }

    /** Takes a sample; true once per burst, when it is over. */
    boolean ended(long allocated, long now) {
        long bytes = Math.max(0, allocated - lastBytes);
        long millis = Math.max(1, now - lastAt);
        lastBytes = allocated;
        lastAt = now;
        if (bytes * 1000 / millis > quietBytesPerSecond) {
            burstBytes += bytes;
            busyUntil = now;
            return false;
        }
        if (burstBytes >= minBytes && now - busyUntil >= quietMillis) {
            burstBytes = 0;
            return true;
        }
        return false;
    }

    /** Once more as if the burst had not been told: when what it was told for could not be done. */
    void retry() {
        burstBytes = Math.max(burstBytes, minBytes);
    }
}
