package io.switchboard.adapter.redis;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The requests of one adapter that still wait for answers, by request id, each with its timeout. */
final class PendingRequests {
    private final Map<String, PendingRequest> pending = new ConcurrentHashMap<>();
    private final RedisLink link;

    PendingRequests(RedisLink link) {
        this.link = link;
    }

    void register(PendingRequest request, long timeoutMillis) {
        request.startedAt = System.nanoTime();
        pending.put(request.id, request);
        request.timer = link.schedule(() -> {
            if (pending.remove(request.id, request)) {
                link.requestTimedOut();
                request.timeout();
            }
        }, timeoutMillis);
    }

    boolean contains(String id) {
        return pending.containsKey(id);
    }

    /** Hands an answer to its request; answers to unknown (late, foreign) requests are ignored, as Node does. */
    void onResponse(String id, ObjectNode response) {
        PendingRequest request = pending.get(id);
        if (request != null && request.onResponse(response) && pending.remove(id, request)) {
            cancel(request);
            link.requestCompleted(System.nanoTime() - request.startedAt);
        }
    }

    void fail(String id, Throwable error) {
        PendingRequest request = pending.remove(id);
        if (request != null) {
            cancel(request);
            request.fail(error);
        }
    }

    void failAll(Throwable error) {
        for (String id : List.copyOf(pending.keySet())) {
            fail(id, error);
        }
    }

    private static void cancel(PendingRequest request) {
        ScheduledFuture<?> timer = request.timer;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
