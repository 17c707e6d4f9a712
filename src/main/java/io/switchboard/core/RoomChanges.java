package io.switchboard.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.switchboard.engine.SessionLoop;

/**
 * Changes to the rooms of a namespace's sockets, each run on the loop of the sockets it changes: at once when the
 * caller is on that loop, else through the namespace's mailbox there ({@link LoopMailbox}), counted until it ran. A broadcast looks at the count to know that a
 * loop may hold members its rooms index does not show yet (a join queued there by the broadcaster's own thread), and
 * goes there too; the loop's FIFO order then puts the join first.
 */
final class RoomChanges {
    private final Map<SessionLoop, AtomicInteger> queued = new ConcurrentHashMap<>();
    private final LoopMailboxes mailboxes;

    RoomChanges(LoopMailboxes mailboxes) {
        this.mailboxes = mailboxes;
    }

    /** False when the loop refused the task (it is shutting down, and the sockets on it go with it). */
    boolean run(SessionLoop loop, Runnable change) {
        if (loop.inLoop()) {
            change.run();
            return true;
        }
        AtomicInteger count = queued.computeIfAbsent(loop, l -> new AtomicInteger());
        // counted before it is queued: whoever queues it and then looks at the count sees it
        count.incrementAndGet();
        boolean queuedThere = mailboxes.of(loop).add(() -> {
            try {
                change.run();
            } finally {
                count.decrementAndGet();
            }
        });
        if (!queuedThere) {
            count.decrementAndGet();
        }
        return queuedThere;
    }

    /** Whether a change to rooms on any loop was queued and has not run yet. */
    boolean queuedAnywhere() {
        for (AtomicInteger count : queued.values()) {
            if (count.get() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether a change to rooms on that loop was queued and has not run yet. */
    boolean queuedOn(SessionLoop loop) {
        AtomicInteger count = queued.get(loop);
        return count != null && count.get() > 0;
    }
}
