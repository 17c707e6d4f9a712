package io.switchboard.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

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

    private static final VarHandle QUEUE;
    private static final VarHandle DRAIN_SCHEDULED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            QUEUE = lookup.findVarHandle(SessionInbox.class, "queue", Queue.class);
            DRAIN_SCHEDULED = lookup.findVarHandle(SessionInbox.class, "drainScheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SessionLoop loop;
    /**
     * Made when first needed: a websocket session reads every frame on its own loop, where nothing waits, so most
     * sessions never queue anything (an idle connection should cost little).
     */
    private volatile Queue<Runnable> queue;
    private volatile boolean drainScheduled;
    /** On the loop only: a task that hands in more work (re-entrance) leaves it to the drain under way. */
    private boolean draining;

    SessionInbox(SessionLoop loop) {
        this.loop = loop;
    }

    /** Runs the task on the session's loop after everything handed in before it; callable from any thread. */
    void submit(Runnable task) {
        if (!loop.inLoop()) {
            queue().add(task);
            if (DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
                loop.execute(this::scheduledDrain);
            }
            return;
        }
        if (draining) {
            queue().add(task);
            return;
        }
        Runnable first = task;
        Queue<Runnable> queue = this.queue;
        if (queue != null && !queue.isEmpty()) {
            // read on the session's loop, but other loops' requests came first
            queue.add(task);
            first = queue.poll();
        }
        drainFrom(first);
    }

    private void scheduledDrain() {
        // reset first: work handed in from now on schedules another drain, work handed in before is seen below
        drainScheduled = false;
        if (!draining) {
            drainFrom(queue().poll());
        }
    }

    private void drainFrom(Runnable first) {
        draining = true;
        try {
            for (Runnable task = first; task != null; task = next()) {
                run(task);
            }
        } finally {
            draining = false;
        }
    }

    private Runnable next() {
        Queue<Runnable> queue = this.queue;
        return queue == null ? null : queue.poll();
    }

    @SuppressWarnings("unchecked")
    private Queue<Runnable> queue() {
        Queue<Runnable> current = queue;
        if (current == null) {
            Queue<Runnable> made = new ConcurrentLinkedQueue<>();
            current = (Queue<Runnable>) QUEUE.compareAndExchange(this, null, made);
            current = current == null ? made : current;
        }
        return current;
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
