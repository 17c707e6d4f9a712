package io.switchboard.core.memory;

/**
 * Tells when a burst of allocation has ended: since the last time it said so, at least {@code minBytes} were
 * allocated at more than the burst rate, and for {@code quietMillis} since then no more than the quiet rate. Between
 * the two rates allocation is steady work (broadcasts at a moderate rate, heartbeats of many connections): it neither
 * adds up to a burst, however long it runs, nor counts as quiet. Plain logic, fed with samples of the JVM's total
 * allocated bytes; one thread.
 */
final class AllocationBurst {
    private final long minBytes;
    private final long burstBytesPerSecond;
    private final long quietBytesPerSecond;
    private final long quietMillis;
    private long lastBytes;
    private long lastAt;
    private long burstBytes;
    private long busyUntil;

    AllocationBurst(long minBytes, long burstBytesPerSecond, long quietBytesPerSecond, long quietMillis,
                    long allocated, long now) {
        this.minBytes = minBytes;
        this.burstBytesPerSecond = burstBytesPerSecond;
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
        long rate = bytes * 1000 / millis;
        if (rate > quietBytesPerSecond) {
            if (rate > burstBytesPerSecond) {
                burstBytes += bytes;
            }
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
