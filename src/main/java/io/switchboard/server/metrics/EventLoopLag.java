package io.switchboard.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * How late the worker event loops run what they are given: each loop runs a probe every {@link #INTERVAL_MS}, and
 * the lag is how much later than due the probe ran. A reading gives the worst lag since the previous reading (so a
 * block between two scrapes is not missed), and a probe still waiting past its due time counts as it waits, so that
 * a loop blocked right now (a handler making a blocking call) shows while it is blocked, not only after.
 */
final class EventLoopLag {
    static final long INTERVAL_MS = 500;

    private final List<Probe> probes = new ArrayList<>();

    EventLoopLag(EventLoopGroup group) {
        for (EventExecutor executor : group) {
            Probe probe = new Probe(executor);
            probes.add(probe);
            probe.schedule();
        }
    }

    /** The largest lag of any loop since the previous reading, or now, in seconds. */
    double seconds() {
        long worst = 0;
        long now = System.nanoTime();
        for (Probe probe : probes) {
            worst = Math.max(worst, probe.lagNanos(now));
        }
        return worst / 1e9;
    }

    private static final class Probe implements Runnable {
        private final EventExecutor loop;
        private volatile long dueAt;
        /** The worst lag measured since the last reading. */
        private final java.util.concurrent.atomic.AtomicLong worstLag = new java.util.concurrent.atomic.AtomicLong();

        Probe(EventExecutor loop) {
            this.loop = loop;
        }

        void schedule() {
            dueAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
            try {
                loop.schedule(this, INTERVAL_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                dueAt = Long.MAX_VALUE;   // the loop is shutting down: nothing to measure any more
            }
        }

        @Override
        public void run() {
            long lag = Math.max(0, System.nanoTime() - dueAt);
            worstLag.accumulateAndGet(lag, Math::max);
            if (!loop.isShuttingDown()) {
                schedule();
            }
        }

        long lagNanos(long now) {
            long due = dueAt;
            long waiting = due == Long.MAX_VALUE ? 0 : now - due;
            return Math.max(worstLag.getAndSet(0), waiting);
        }
    }
}
