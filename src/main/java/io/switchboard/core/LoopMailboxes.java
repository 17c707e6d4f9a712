package io.switchboard.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.engine.SessionLoop;

/**
 * The mailboxes of one namespace, one per loop, and the one step in which a packet logged for recovery gets its
 * offset and enters the mailboxes of the loops it goes to. A client that drops resumes after the last offset it got,
 * so a loop must never send a packet before one with a lower offset: taking the offset and queueing under one lock
 * puts every mailbox in offset order, and the caller's own loop runs its mailbox before the call returns, as a
 * direct write would.
 */
final class LoopMailboxes {
    private final Map<SessionLoop, LoopMailbox> mailboxes = new ConcurrentHashMap<>();

    LoopMailbox of(SessionLoop loop) {
        return mailboxes.computeIfAbsent(loop, LoopMailbox::new);
    }

    /** Queues a task for each loop a logged packet goes to; see {@link #sendLogged}. */
    interface LoggedParts {
        /** {@code refused} runs instead of {@code part} when the loop is shutting down. */
        void queue(SessionLoop loop, Runnable part, Runnable refused);
    }

    /**
     * Runs {@code stampAndQueue} under the lock: it gives the packet its offset and queues its part for each loop.
     * Then, on a loop, runs that loop's mailbox (unless it runs already, further up this call).
     */
    void sendLogged(java.util.function.Consumer<LoggedParts> stampAndQueue) {
        LoopMailbox[] own = new LoopMailbox[1];
        synchronized (this) {
            stampAndQueue.accept((loop, part, refused) -> {
                LoopMailbox mailbox = of(loop);
                if (loop.inLoop()) {
                    mailbox.addHere(part);
                    own[0] = mailbox;
                } else if (!mailbox.add(part)) {
                    refused.run();
                }
            });
        }
        if (own[0] != null) {
            own[0].runQueued();
        }
    }

    /**
     * Runs the task on that loop in the order of the namespace's other work there: at once when the caller is on
     * the loop (and not inside a task of its mailbox, which would put it before what that task queued), else
     * through the mailbox. False when the loop refused it.
     */
    boolean run(SessionLoop loop, Runnable task) {
        if (loop.inLoop()) {
            LoopMailbox mailbox = mailboxes.get(loop);
            if (mailbox == null || !mailbox.running()) {
                task.run();
                return true;
            }
            return mailbox.add(task);
        }
        return of(loop).add(task);
    }
}
