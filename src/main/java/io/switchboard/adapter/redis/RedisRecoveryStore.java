package io.switchboard.adapter.redis;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.Namespace;
import io.switchboard.core.RecoveryStore;
import io.switchboard.core.SessionState;
import io.switchboard.adapter.redis.RecoveryOffset.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection state recovery for a cluster. Sending never waits for Redis: each node appends what it sends to a
 * stream of its own, with entry ids it picks itself, and the offsets clients track are the sending (or relaying)
 * node's positions in every node's stream ({@link RecoveryOffset}). The XADD goes out before the PUBLISH of the
 * same packet on the same connection, so a packet another node delivered is in the log.
 *
 * <p>Sessions are kept as they change, not only when a socket drops: the state of every connected socket is a key
 * that expires with the recovery window, refreshed while the socket lives, so the clients of a node that crashed
 * recover on another node. Costs: one XADD per packet sent (whatever the number of recipients); one SET per socket
 * and change (coalesced per loop turn by the socket); a PEXPIRE per live socket a few times per window; on recovery,
 * a GETDEL, a ZRANGE and one XRANGE per node that sent within the window ({@link RecoveryReplay}). Values are
 * msgpack, so binary stays binary.
 */
final class RedisRecoveryStore implements RecoveryStore {
    private static final Logger log = LoggerFactory.getLogger(RedisRecoveryStore.class);

    private final RedisLink link;
    private final ObjectMapper json;
    private final String prefix;
    private final String originsKey;
    private final String sessionPrefix;
    private final long windowMillis;
    private final long tickMillis;
    private final LongSupplier clock;
    private final boolean seesEveryBroadcast;
    private final String uid = Ids.random(8);
    private final long startedAt;
    /** Connected sockets of this node whose state is kept in Redis (their keys are refreshed while they live). */
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    /** This node's position in the log of every origin it delivered from (guarded by this). */
    private final Map<String, Position> delivered = new LinkedHashMap<>();
    private Position lastAppended;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> refresh;
    private final RecoveryReplay replay;

    RedisRecoveryStore(RedisLink link, ObjectMapper json, String keyPrefix, String namespace, long windowMillis) {
        this(link, json, keyPrefix, namespace, windowMillis, true, System::currentTimeMillis);
    }

    /**
     * {@code seesEveryBroadcast}: this node receives every broadcast of every node (the classic adapter, the sharded
     * one in static mode), so its positions say what it will still deliver. Without it (sharded, dynamic modes: a
     * node hears only rooms it has members in) a recovered socket gets everything the log holds after its offset,
     * possibly twice rather than not at all.
     */
    RedisRecoveryStore(RedisLink link, ObjectMapper json, String keyPrefix, String namespace, long windowMillis,
                       boolean seesEveryBroadcast, LongSupplier clock) {
        this.seesEveryBroadcast = seesEveryBroadcast;
        this.link = link;
        this.json = json;
        this.prefix = keyPrefix + "-recovery#" + namespace + "#";
        this.originsKey = prefix + "origins";
        this.sessionPrefix = prefix + "session#";
        this.windowMillis = windowMillis;
        this.tickMillis = Math.max(1_000, Math.min(30_000, windowMillis / 3));
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        this.replay = new RecoveryReplay(link, this::logKey, windowMillis, seesEveryBroadcast);
        tick();
    }

    private RedisClusterAsyncCommands<String, byte[]> redis() {
        return link.commands();
    }

    String logKey(String origin) {
        return prefix + "log#" + origin;
    }

    String uid() {
        return uid;
    }

    // ---- the log ----

    @Override
    public String append(ArrayNode eventData, BroadcastOptions opts) {
        Map<String, byte[]> entry = new LinkedHashMap<>();
        entry.put(RecoveryReplay.DATA, MsgPack.encode(eventData));
        entry.put(RecoveryReplay.ROOMS, MsgPack.encode(json.valueToTree(opts.rooms())));
        entry.put(RecoveryReplay.EXCEPT, MsgPack.encode(json.valueToTree(opts.except())));
        String offset;
        synchronized (this) {
            long now = clock.getAsLong();
            Position last = lastAppended;
            Position id = last == null || now > last.ms() ? new Position(now, 0) : new Position(last.ms(), last.seq() + 1);
            lastAppended = id;
            delivered.put(uid, id);
            offset = offset(uid, now);
            // issued under the lock so that the entries reach Redis in id order; nobody waits for the reply
            XAddArgs args = new XAddArgs().id(id.streamId())
                    .minId((now - windowMillis) + "-0").approximateTrimming();
            send(() -> redis().xadd(logKey(uid), args, entry), "XADD " + logKey(uid));
        }
        return offset;
    }

    @Override
    public synchronized String head() {
        return offset(null, clock.getAsLong());
    }

    /** Gives a packet relayed from another node this node's positions as its offset; the packet is changed. */
    void relayed(ArrayNode eventData) {
        int last = eventData.size() - 1;
        if (last < 1 || !eventData.get(last).isTextual()) {
            return;
        }
        Map.Entry<String, Position> origin = RecoveryOffset.markedEntry(eventData.get(last).asText());
        if (origin == null || origin.getKey().equals(uid)) {
            return;
        }
        String offset;
        synchronized (this) {
            delivered.merge(origin.getKey(), origin.getValue(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            offset = offset(origin.getKey(), clock.getAsLong());
        }
        eventData.set(last, TextNode.valueOf(offset));
    }

    /**
     * For the adapters: what gives the packet of a remote broadcast this node's offset, as it is delivered here
     * (null when the namespace does not log in Redis).
     */
    static Runnable relaying(Namespace namespace, ArrayNode eventData) {
        return namespace.recovery() instanceof RedisRecoveryStore store ? () -> store.relayed(eventData) : null;
    }

    /** How far this node got in every origin's log, and below what it went past everything of origins it lacks. */
    synchronized RecoveryReplay.Progress progress() {
        return new RecoveryReplay.Progress(new LinkedHashMap<>(delivered),
                new Position(Math.max(startedAt, clock.getAsLong() - windowMillis), 0));
    }

    /** This node's positions now; origins not heard from within the window are left out (since covers them). */
    private String offset(String marked, long now) {
        long since = Math.max(startedAt, now - windowMillis);
        Map<String, Position> positions = new LinkedHashMap<>();
        delivered.entrySet().removeIf(entry -> entry.getValue().ms() < since && !entry.getKey().equals(marked));
        positions.putAll(delivered);
        return new RecoveryOffset(since, marked, positions).format();
    }

    // ---- sessions ----

    @Override
    public boolean keepsLiveSessions() {
        return true;
    }

    @Override
    public void update(SessionState session) {
        byte[] record = record(session);
        if (record == null || closed) {
            return;
        }
        live.add(session.pid());
        send(() -> redis().set(sessionPrefix + session.pid(), record, SetArgs.Builder.px(windowMillis)),
                "SET session");
    }

    @Override
    public void save(SessionState session, long ttlMillis) {
        live.remove(session.pid());
        byte[] record = record(session);
        if (record != null) {
            send(() -> redis().set(sessionPrefix + session.pid(), record, SetArgs.Builder.px(ttlMillis)),
                    "SET session");
        }
    }

    @Override
    public void forget(String pid) {
        if (live.remove(pid)) {
            send(() -> redis().del(sessionPrefix + pid), "DEL session");
        }
    }

    @Override
    public CompletionStage<SessionState.Restored> restore(String pid, String offset) {
        // a socket still connected here keeps its session: the same id twice on one node would mix their rooms
        if (pid == null || live.contains(pid)) {
            return CompletableFuture.completedFuture(null);
        }
        return redis().getdel(sessionPrefix + pid).toCompletableFuture().thenCompose(raw -> {
            SessionState session = raw == null ? null : parseSession(raw);
            RecoveryOffset from = session == null ? null
                    : RecoveryOffset.parse(offset != null ? offset : session.connectOffset());
            if (from == null) {
                return CompletableFuture.completedFuture(null);
            }
            long now = clock.getAsLong();
            return redis().zrangebyscore(originsKey, Range.create(now - windowMillis - 2 * tickMillis,
                            Double.POSITIVE_INFINITY)).toCompletableFuture()
                    .thenCompose(origins -> replay.missedSince(from, origins, session.rooms(), now))
                    .thenApply(missed -> missed == null ? null : new SessionState.Restored(session, missed.packets(),
                            replay.catchUp(missed, from, session.rooms(), this::progress)));
        });
    }

    private byte[] record(SessionState session) {
        try {
            ObjectNode saved = json.createObjectNode();
            saved.put("sid", session.sid());
            saved.put("pid", session.pid());
            saved.set("rooms", json.valueToTree(session.rooms()));
            saved.set("data", json.valueToTree(session.data()));
            saved.put("connectOffset", session.connectOffset());
            saved.put("node", uid);
            return MsgPack.encode(saved);
        } catch (RuntimeException e) {
            // socket.data() holding something that is not JSON: the socket goes on, without a recoverable session
            log.warn("the session of socket {} cannot be kept for recovery: {}", session.sid(), e.toString());
            return null;
        }
    }

    private SessionState parseSession(byte[] raw) {
        try {
            JsonNode saved = MsgPack.decode(raw);
            if (!saved.isObject()) {
                return null;
            }
            Map<String, Object> data = json.convertValue(saved.path("data"),
                    new TypeReference<Map<String, Object>>() {
                    });
            Set<String> rooms = new LinkedHashSet<>();
            saved.path("rooms").forEach(room -> rooms.add(room.asText()));
            return new SessionState(saved.path("sid").asText(), saved.path("pid").asText(), rooms,
                    data == null ? Map.of() : data, saved.path("connectOffset").asText());
        } catch (RuntimeException e) {
            log.warn("dropped an unreadable recovery session: {}", e.toString());
            return null;
        }
    }

    // ---- upkeep ----

    /**
     * Registers this node as an origin (so that a recovery reads its log), keeps its log and its live sessions from
     * expiring while it runs, and forgets origins gone for longer than the window. After a crash all of it expires
     * with the window.
     */
    private void tick() {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        send(() -> redis().zadd(originsKey, (double) now, uid.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "ZADD origins");
        send(() -> redis().zremrangebyscore(originsKey, Range.create(Double.NEGATIVE_INFINITY,
                (double) (now - 2 * windowMillis - 2 * tickMillis))), "ZREMRANGEBYSCORE origins");
        send(() -> redis().pexpire(logKey(uid), windowMillis + 2 * tickMillis), "PEXPIRE log");
        send(() -> redis().pexpire(originsKey, 2 * windowMillis + 2 * tickMillis), "PEXPIRE origins");
        for (String pid : live) {
            send(() -> redis().pexpire(sessionPrefix + pid, windowMillis), "PEXPIRE session");
        }
        refresh = link.schedule(this::tick, tickMillis);
    }

    /** Sends a command nobody waits for; a full queue or a lost connection is logged, never thrown at the sender. */
    private void send(java.util.function.Supplier<io.lettuce.core.RedisFuture<?>> command, String what) {
        try {
            link.logged(command.get().toCompletableFuture(), what);
        } catch (RuntimeException e) {
            log.debug("{} not sent: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> pending = refresh;
        if (pending != null) {
            pending.cancel(false);
        }
    }
}
