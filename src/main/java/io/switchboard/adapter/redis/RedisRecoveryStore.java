package io.switchboard.adapter.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.switchboard.core.BroadcastFlags;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.RecoveryStore;
import io.switchboard.core.SessionState;

/**
 * Connection state recovery for a cluster: the packet log of a namespace is a Redis stream whose entry ids are
 * the offsets clients track, trimmed to the recovery window on every append; a dropped socket's session is a key
 * that expires with the window. Any node can take a session back. One XADD per packet sent, whatever the number of
 * recipients; one SET per dropped socket; GETDEL and two XRANGE per recovery.
 */
final class RedisRecoveryStore implements RecoveryStore {
    private static final String DATA = "d";
    private static final String ROOMS = "r";
    private static final String EXCEPT = "e";

    private final RedisLink link;
    private final ObjectMapper json;
    private final String logKey;
    private final String sessionPrefix;
    private final long windowMillis;

    RedisRecoveryStore(RedisLink link, ObjectMapper json, String keyPrefix, String namespace, long windowMillis) {
        this.link = link;
        this.json = json;
        this.logKey = keyPrefix + "-recovery#" + namespace + "#log";
        this.sessionPrefix = keyPrefix + "-recovery#" + namespace + "#session#";
        this.windowMillis = windowMillis;
    }

    private RedisAsyncCommands<String, byte[]> redis() {
        return link.commands();
    }

    @Override
    public CompletionStage<String> append(ArrayNode eventData, BroadcastOptions opts) {
        Map<String, byte[]> entry = new LinkedHashMap<>();
        entry.put(DATA, bytes(eventData));
        entry.put(ROOMS, bytes(json.valueToTree(opts.rooms())));
        entry.put(EXCEPT, bytes(json.valueToTree(opts.except())));
        // entries older than the window are of no use to anyone: trim them as we go (approximately, which is cheap)
        XAddArgs args = XAddArgs.Builder.minId((System.currentTimeMillis() - windowMillis) + "-0")
                .approximateTrimming();
        return redis().xadd(logKey, args, entry).toCompletableFuture();
    }

    @Override
    public CompletionStage<String> head() {
        return redis().xrevrange(logKey, Range.create("-", "+"), Limit.from(1)).toCompletableFuture()
                .thenApply(last -> last.isEmpty() ? "" : last.get(0).getId());
    }

    @Override
    public void save(SessionState session, long ttlMillis) {
        ObjectNode saved = json.createObjectNode();
        saved.put("sid", session.sid());
        saved.put("pid", session.pid());
        saved.set("rooms", json.valueToTree(session.rooms()));
        saved.set("data", json.valueToTree(session.data()));
        saved.put("connectOffset", session.connectOffset());
        redis().set(sessionPrefix + session.pid(), bytes(saved), SetArgs.Builder.px(ttlMillis));
    }

    @Override
    public CompletionStage<SessionState.Restored> restore(String pid, String offset) {
        if (pid == null) {
            return CompletableFuture.completedFuture(null);
        }
        return redis().getdel(sessionPrefix + pid).toCompletableFuture().thenCompose(raw -> {
            if (raw == null) {
                return CompletableFuture.completedFuture(null);
            }
            SessionState session = parseSession(raw);
            String from = offset != null ? offset : session.connectOffset();
            return missedSince(from, session.rooms())
                    .thenApply(missed -> missed == null ? null : new SessionState.Restored(session, missed));
        });
    }

    /** The packets after {@code from} for these rooms; null when the log no longer holds {@code from}. */
    private CompletableFuture<List<ArrayNode>> missedSince(String from, Set<String> rooms) {
        if (from.isEmpty()) {
            return redis().xrange(logKey, Range.create("-", "+")).toCompletableFuture()
                    .thenApply(entries -> select(entries, rooms));
        }
        CompletableFuture<Boolean> stillThere = redis()
                .xrange(logKey, Range.create(from, from)).toCompletableFuture()
                .thenApply(found -> !found.isEmpty());
        return stillThere.thenCompose(present -> !present ? CompletableFuture.completedFuture(null)
                : redis().xrange(logKey, Range.from(Range.Boundary.excluding(from), Range.Boundary.unbounded()))
                        .toCompletableFuture().thenApply(entries -> select(entries, rooms)));
    }

    private List<ArrayNode> select(List<StreamMessage<String, byte[]>> entries, Set<String> rooms) {
        List<ArrayNode> missed = new ArrayList<>();
        for (StreamMessage<String, byte[]> entry : entries) {
            Map<String, byte[]> body = entry.getBody();
            BroadcastOptions opts = new BroadcastOptions(stringSet(body.get(ROOMS)), stringSet(body.get(EXCEPT)),
                    BroadcastFlags.DEFAULT);
            if (includes(rooms, opts)) {
                ArrayNode data = (ArrayNode) tree(body.get(DATA));
                data.add(entry.getId());
                missed.add(data);
            }
        }
        return missed;
    }

    private static boolean includes(Set<String> rooms, BroadcastOptions opts) {
        boolean included = opts.rooms().isEmpty() || rooms.stream().anyMatch(opts.rooms()::contains);
        boolean excluded = rooms.stream().anyMatch(opts.except()::contains);
        return included && !excluded;
    }

    private SessionState parseSession(byte[] raw) {
        JsonNode saved = tree(raw);
        Map<String, Object> data = json.convertValue(saved.path("data"), new TypeReference<Map<String, Object>>() {
        });
        return new SessionState(saved.path("sid").asText(), saved.path("pid").asText(),
                stringSet(saved.path("rooms")), data == null ? Map.of() : data, saved.path("connectOffset").asText());
    }

    private Set<String> stringSet(byte[] raw) {
        return raw == null ? Set.of() : stringSet(tree(raw));
    }

    private static Set<String> stringSet(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private JsonNode tree(byte[] raw) {
        try {
            return json.readTree(raw);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable recovery record", e);
        }
    }

    private byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
