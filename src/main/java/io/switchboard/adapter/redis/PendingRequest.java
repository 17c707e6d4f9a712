package io.switchboard.adapter.redis;

import java.util.concurrent.ScheduledFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request that waits for answers from the other nodes. Answers arrive on the inbox thread, the timeout too, and
 * the requester registers from its own thread, hence the synchronized methods.
 */
abstract class PendingRequest {
    final String id;
    volatile ScheduledFuture<?> timer;
    /** When the request was registered, for the latency metric. */
    volatile long startedAt;

    PendingRequest(String id) {
        this.id = id;
    }

    /** Takes one answer; true when the request is complete (it then completes its future). */
    abstract boolean onResponse(ObjectNode response);

    /** No more answers will come in time. */
    abstract void timeout();

    /** The request cannot go on (Redis unreachable, adapter closed). */
    abstract void fail(Throwable error);
}
