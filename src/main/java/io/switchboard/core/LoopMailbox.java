package io.switchboard.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.switchboard.engine.SessionLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one namespace asks of one event loop (broadcast parts, room changes, emits from other threads), run there in
 * the order it was asked, by one task at a time. One queue for all of it, so that a join, an emit and a broadcast
 * from one thread reach a socket in call order; and packets logged for recovery enter it as they get their offset
 * ({@link LoopMailboxes#sendLogged}), so that every loop sends them in offset order whichever threads sent them.
 */
final class LoopMailbox {
    private static final Logger log = LoggerFactory.getLogger(LoopMailbox.class);

    private final SessionLoop loop;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** On the loop only: a task that adds to this mailbox while it runs leaves the new task to this run. */
    private boolean running;

    LoopMailbox(SessionLoop loop) {
        this.loop = loop;
    }

    SessionLoop loop() {
        return loop;
    }

    /**
     * Queues the task and makes sure the loop runs it; false when the loop refused (it is shutting down, and its
     * sockets go with it), and the task will not run.
     */
    boolean add(Runnable task) {
        tasks.add(task);
        if (loop.inLoop() && running) {
            return true;
        }
        return schedule(task);
    }

    /** Queues the task without asking the loop to run it: the caller, on that loop, calls {@link #runQueued} next. */
    void addHere(Runnable task) {
        tasks.add(task);
    }

    private boolean schedule(Runnable task) {
        if (!scheduled.compareAndSet(false, true)) {
            return true;
        }
        try {
            loop.execute(() -> {
                // cleared before the queue is read: a task added after the last read schedules another run
                scheduled.set(false);
                runQueued();
            });
            return true;
        } catch (RuntimeException refused) {
            scheduled.set(false);
            tasks.remove(task);
            return false;
        }
    }

    /** Whether a task of this mailbox is running on the loop now (the caller is on the loop). */
    boolean running() {
        return running;
    }

    /** On the loop: runs everything queued, in order; inside a run already, leaves it to that run. */
    void runQueued() {
        if (running) {
            return;
        }
        running = true;
        try {
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // user code inside is guarded already: this is a defect of ours, and the rest must still run
                    log.error("task of a namespace failed on its loop", e);
                }
            }
        } finally {
            running = false;
        }
    }
}
