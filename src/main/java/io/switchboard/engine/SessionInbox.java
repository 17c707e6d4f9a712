package io.switchboard.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands what the client sends to one session (polling requests, an upgrade, websocket frames, a connection going
 * away) to the session's loop in the order the connections' loops read it.
 *
 * <p>A session's requests may arrive on connections of different event loops. Handing each over with a plain
 * {@code execute} loses their order: a loop runs its own I/O before its queued tasks, so a request read on the
 * session's loop overtakes one that another loop read milliseconds earlier and queued. (The Engine.IO suite's
 * "forcefully closes the session" sends a GET and a POST {@code 1} at once: handled POST first, the GET finds the
 * session gone.) Here the queue is the point of arrival: a request read on the session's loop runs only after
 * everything already queued, so order is the order in which the loops took the requests in.
 */
final class SessionInbox {
    private static final Logger log = LoggerFactory.getLogger(SessionInbox.class);

    private final SessionLoop loop;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** On the loop only: a task that hands in more work (re-entrance) leaves it to the drain under way. */
    private boolean draining;

    SessionInbox(SessionLoop loop) {
        this.loop = loop;
    }

    /** Runs the task on the session's loop after everything handed in before it; callable from any thread. */
    void submit(Runnable task) {
        if (!loop.inLoop()) {
            queue.add(task);
            if (drainScheduled.compareAndSet(false, true)) {
                loop.execute(this::scheduledDrain);
            }
            return;
        }
        if (draining) {
            queue.add(task);
            return;
        }
        Runnable first = task;
        if (!queue.isEmpty()) {
            // read on the session's loop, but other loops' requests came first
            queue.add(task);
            first = queue.poll();
        }
        drainFrom(first);
    }

    private void scheduledDrain() {
        // reset first: work handed in from now on schedules another drain, work handed in before is seen below
        drainScheduled.set(false);
        if (!draining) {
            drainFrom(queue.poll());
        }
    }

    private void drainFrom(Runnable first) {
        draining = true;
        try {
            for (Runnable task = first; task != null; task = queue.poll()) {
                run(task);
            }
        } finally {
            draining = false;
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // one bad request must not strand the ones queued behind it
            log.warn("session task failed", e);
        }
    }
}
