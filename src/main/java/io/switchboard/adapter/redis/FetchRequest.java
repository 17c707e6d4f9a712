package io.switchboard.adapter.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.SocketInfo;

/**
 * fetchSockets across the cluster, counted as Node counts it: {@code NUMSUB} answers expected, this node's own
 * counting as the first; an answer without a socket list counts but cannot complete the request.
 */
final class FetchRequest extends PendingRequest {
    private final int expected;
    private final List<SocketInfo> sockets;
    private final Executor completions;
    private final Consumer<String> malformed;
    private final CompletableFuture<List<SocketInfo>> result = new CompletableFuture<>();
    private int received = 1;

    FetchRequest(String id, int expected, List<SocketInfo> local, Executor completions, Consumer<String> malformed) {
        super(id);
        this.expected = expected;
        this.sockets = new ArrayList<>(local);
        this.completions = completions;
        this.malformed = malformed;
    }

    CompletableFuture<List<SocketInfo>> result() {
        return result;
    }

    @Override
    synchronized boolean onResponse(ObjectNode response) {
        received++;
        JsonNode list = response.get("sockets");
        if (list == null || !list.isArray()) {
            return false;
        }
        for (JsonNode socket : list) {
            try {
                sockets.add(WireSocket.read(socket));
            } catch (MalformedMessageException e) {
                malformed.accept(e.getMessage());
            }
        }
        if (received < expected) {
            return false;
        }
        List<SocketInfo> all = List.copyOf(sockets);
        completions.execute(() -> result.complete(all));
        return true;
    }

    @Override
    void timeout() {
        fail(new RedisAdapterException("timeout reached while waiting for fetchSockets response", null));
    }

    @Override
    void fail(Throwable error) {
        completions.execute(() -> result.completeExceptionally(error));
    }
}
