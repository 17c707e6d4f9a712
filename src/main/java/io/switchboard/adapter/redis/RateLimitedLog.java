package io.switchboard.adapter.redis;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Counts a kind of trouble and logs it at most once per interval, with how many were left unlogged: a flood of bad
 * messages (or a long Redis outage) must not become a flood of log lines.
 */
final class RateLimitedLog {
    private final Logger log;
    private final String what;
    private final long intervalNanos;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();

    RateLimitedLog(Logger log, String what, long intervalMillis) {
        this.log = log;
        this.what = what;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void record(String detail, Throwable cause) {
        count.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLogAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextLogAt.compareAndSet(next, now + intervalNanos)) {
            unlogged.incrementAndGet();
            return;
        }
        long skipped = unlogged.getAndSet(0);
        String suffix = skipped > 0 ? " (" + skipped + " more since the last report)" : "";
        if (cause != null && !(cause instanceof MalformedMessageException)) {
            log.warn("{}: {}{}", what, detail, suffix, cause);
        } else {
            log.warn("{}: {}{}", what, detail, suffix);
        }
    }

    long count() {
        return count.get();
    }
}
