package io.switchboard.server.memory;

/**
 * Tells when a burst of connects has ended: the connection count rose by at least {@code minGrowth} since the last
 * collection was asked for, and did not rise for {@code quietMillis}. Plain logic, fed with samples; one thread.
 */
final class ConnectBurst {
    private final int minGrowth;
    private final long quietMillis;
    private int baseline;
    private int last;
    private long lastRiseAt;

    ConnectBurst(int minGrowth, long quietMillis, int connections, long now) {
        this.minGrowth = minGrowth;
        this.quietMillis = quietMillis;
        this.baseline = connections;
        this.last = connections;
        this.lastRiseAt = now;
    }

    /** Takes a sample; true once per burst, when it is over. The count it ended at becomes the new baseline. */
    boolean ended(int connections, long now) {
        if (connections > last) {
            lastRiseAt = now;
        }
        last = connections;
        // connections that went away lower the mark: a storm of reconnects after a restart counts as a burst
        baseline = Math.min(baseline, connections);
        if (connections - baseline >= minGrowth && now - lastRiseAt >= quietMillis) {
            baseline = connections;
            return true;
        }
        return false;
    }
}
