package io.switchboard.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one loop waiting to send their next ping, in the order their pings fall due, with one timer for
 * the whole loop. A timer per session (a scheduled task, its handle and its callback: about 100 bytes) is most of
 * what an idle session would otherwise keep for its heartbeat; here a session carries two links and its deadline.
 *
 * <p>Every session of a server waits the same {@code pingInterval}, so a session added now falls due after every
 * session already waiting: adding is at the tail, and the walk back from there (for a session whose interval is
 * shorter) is the exception. Removing is unlinking. Loop thread only, like the sessions themselves.
 */
final class PingQueue {
    private static final Logger log = LoggerFactory.getLogger(PingQueue.class);

    private final SessionLoop loop;
    private EngineSession head;
    private EngineSession tail;
    /** The one timer, set for the head's deadline or earlier; null while nothing waits. */
    private Runnable timer;
    private long timerAt;

    PingQueue(SessionLoop loop) {
        this.loop = loop;
    }

    /** The session pings at {@code at} (the loop's clock, ms), unless removed before. */
    void add(EngineSession session, long at) {
        remove(session);
        session.pingAt = at;
        EngineSession after = tail;
        while (after != null && after.pingAt > at) {
            after = after.pingPrev;
        }
        session.pingPrev = after;
        session.pingNext = after == null ? head : after.pingNext;
        if (session.pingNext != null) {
            session.pingNext.pingPrev = session;
        } else {
            tail = session;
        }
        if (after != null) {
            after.pingNext = session;
        } else {
            head = session;
        }
        session.pingQueued = true;
        if (timer == null || at < timerAt) {
            arm(at);
        }
    }

    void remove(EngineSession session) {
        if (!session.pingQueued) {
            return;
        }
        session.pingQueued = false;
        if (session.pingPrev != null) {
            session.pingPrev.pingNext = session.pingNext;
        } else {
            head = session.pingNext;
        }
        if (session.pingNext != null) {
            session.pingNext.pingPrev = session.pingPrev;
        } else {
            tail = session.pingPrev;
        }
        session.pingPrev = null;
        session.pingNext = null;
        if (head == null && timer != null) {
            // nothing waits: no timer left behind (a closed server's loops hold nothing of it)
            timer.run();
            timer = null;
        }
    }

    boolean isEmpty() {
        return head == null;
    }

    private void arm(long at) {
        if (timer != null) {
            timer.run();
        }
        timerAt = at;
        // at least a millisecond: the clock is in whole milliseconds, and a timer due now would spin until it ticks
        timer = loop.schedule(this::due, Math.max(1, at - loop.nowMillis()));
    }

    /** The timer: every session whose ping is due pings, in order; then the timer is set for the next one. */
    private void due() {
        timer = null;
        long now = loop.nowMillis();
        while (head != null && head.pingAt <= now) {
            EngineSession session = head;
            remove(session);
            try {
                session.pingDue();
            } catch (RuntimeException e) {
                // one session's fault must not leave the sessions behind it without their pings
                log.warn("session {}: sending its ping failed", session.id(), e);
            }
        }
        if (head != null && timer == null) {
            arm(head.pingAt);
        }
    }
}
