package io.switchboard.adapter.redis;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** allRooms across the cluster: the union of every node's rooms, counted as {@link FetchRequest} counts. */
final class RoomsRequest extends PendingRequest {
    private final int expected;
    private final Set<String> rooms;
    private final Executor completions;
    private final CompletableFuture<Set<String>> result = new CompletableFuture<>();
    private int received = 1;

    RoomsRequest(String id, int expected, Set<String> local, Executor completions) {
        super(id);
        this.expected = expected;
        this.rooms = new HashSet<>(local);
        this.completions = completions;
    }

    CompletableFuture<Set<String>> result() {
        return result;
    }

    @Override
    synchronized boolean onResponse(ObjectNode response) {
        received++;
        JsonNode list = response.get("rooms");
        if (list == null || !list.isArray()) {
            return false;
        }
        rooms.addAll(Wire.rooms(response, "rooms"));
        if (received < expected) {
            return false;
        }
        Set<String> all = Set.copyOf(rooms);
        completions.execute(() -> result.complete(all));
        return true;
    }

    @Override
    void timeout() {
        fail(new RedisAdapterException("timeout reached while waiting for allRooms response", null));
    }

    @Override
    void fail(Throwable error) {
        completions.execute(() -> result.completeExceptionally(error));
    }
}
