package io.switchboard.adapter.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * serverSideEmit with an ack: one answer per other node ({@code NUMSUB - 1}); on timeout the error carries the
 * answers that did come, as Node passes them along with its error.
 */
final class ServerSideEmitRequest extends PendingRequest {
    private final int expected;
    private final Executor completions;
    private final ArrayNode responses = Wire.NODES.arrayNode();
    private final CompletableFuture<ArrayNode> result = new CompletableFuture<>();

    ServerSideEmitRequest(String id, int expected, Executor completions) {
        super(id);
        this.expected = expected;
        this.completions = completions;
    }

    CompletableFuture<ArrayNode> result() {
        return result;
    }

    @Override
    synchronized boolean onResponse(ObjectNode response) {
        JsonNode data = response.get("data");
        responses.add(data == null ? Wire.NODES.nullNode() : data);
        if (responses.size() < expected) {
            return false;
        }
        ArrayNode all = responses.deepCopy();
        completions.execute(() -> result.complete(all));
        return true;
    }

    @Override
    synchronized void timeout() {
        String message = "timeout reached: only " + responses.size() + " responses received out of " + expected;
        fail(new ClusterTimeoutException(message, responses.deepCopy()));
    }

    @Override
    void fail(Throwable error) {
        completions.execute(() -> result.completeExceptionally(error));
    }
}
