package io.switchboard.hardening;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Delivery latencies from many client threads, summarised as percentiles in milliseconds. */
final class LatencyRecorder {
    private long[] nanos = new long[1 << 16];
    private int count;

    synchronized void record(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    /** Percentiles since the last call, which starts a new window. */
    synchronized Summary takeSummary() {
        long[] window = Arrays.copyOf(nanos, count);
        count = 0;
        Arrays.sort(window);
        return new Summary(window.length, millis(window, 0.50), millis(window, 0.99),
                window.length == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(window[window.length - 1]));
    }

    private static long millis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return TimeUnit.NANOSECONDS.toMillis(sorted[(int) Math.min(sorted.length - 1, sorted.length * quantile)]);
    }

    record Summary(int deliveries, long p50Millis, long p99Millis, long maxMillis) {
        @Override
        public String toString() {
            return deliveries + " deliveries, p50 " + p50Millis + " ms, p99 " + p99Millis + " ms, max " + maxMillis
                    + " ms";
        }
    }
}
