package io.switchboard.server.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster presence in Redis. Keys, under {@code prefix}:
 * <ul>
 * <li>{@code node:<id>} hash user → sockets of that user on that node;</li>
 * <li>{@code count} hash user → sockets of that user on all nodes (the sum of the node hashes);</li>
 * <li>{@code orgs} hash user → the orgs of an online user (JSON), for the offline announcement;</li>
 * <li>{@code nodes} sorted set node → time (ms, Redis clock) of its last refresh;</li>
 * <li>{@code seen:<user>} the time the user went offline, expiring after the retention;</li>
 * <li>{@code seenorgs:<user>} the orgs of that user then (JSON), expiring with it, for who may see them.</li>
 * </ul>
 * A connect or a disconnect is ONE command (EVALSHA of a script adjusting the node hash and the total): the script
 * that moves a total 0→1 or 1→0 is the one transition, so exactly one node announces it. Every {@code ttl / 3} each
 * node runs ONE command (the beat script): it stamps the node in {@code nodes} and subtracts the counts of any node
 * whose stamp is older than the TTL (a dead node), reporting the users that thereby go offline; whichever node runs
 * it first announces them. A query for N users is one command.
 *
 * <p>Redis unreachable: connects and disconnects are counted locally and the node is marked out of date; the next
 * beat that gets through replaces this node's hash with the local counts (a sync, also one command), announcing the
 * resulting transitions. The same sync runs when a beat finds that the others took this node for dead.
 *
 * <p>All Redis commands are issued from one thread, in the order of the local changes, so a sync's snapshot matches
 * exactly the commands queued before it on the (ordered) connection.
 */
public final class RedisPresenceStore implements PresenceStore {
    private static final Logger log = LoggerFactory.getLogger(RedisPresenceStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String NOW = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /** ARGV: prefix, node, user, orgs (JSON). Returns {1, now} on the user's 0→1 transition, else {0, 0}. */
    static final String CONNECT = "local P, node, user = ARGV[1], ARGV[2], ARGV[3]\n"
            + "redis.call('HINCRBY', P .. 'node:' .. node, user, 1)\n"
            + "if redis.call('HINCRBY', P .. 'count', user, 1) == 1 then\n"
            + "  redis.call('HSET', P .. 'orgs', user, ARGV[4])\n"
            + NOW
            + "  return {1, now}\n"
            + "end\n"
            + "return {0, 0}\n";

    /** ARGV: prefix, node, user, retention. Returns {1, now, orgs} on the user's 1→0 transition, else {0, 0, ''}. */
    static final String DISCONNECT = "local P, node, user = ARGV[1], ARGV[2], ARGV[3]\n"
            + "local nodeKey = P .. 'node:' .. node\n"
            + "local mine = redis.call('HINCRBY', nodeKey, user, -1)\n"
            + "if mine <= 0 then redis.call('HDEL', nodeKey, user) end\n"
            + "if mine < 0 then return {0, 0, ''} end\n"
            + "if redis.call('HINCRBY', P .. 'count', user, -1) <= 0 then\n"
            + NOW
            + "  redis.call('HDEL', P .. 'count', user)\n"
            + "  local orgs = redis.call('HGET', P .. 'orgs', user) or ''\n"
            + "  redis.call('HDEL', P .. 'orgs', user)\n"
            + "  redis.call('SET', P .. 'seen:' .. user, now, 'PX', ARGV[4])\n"
            + "  redis.call('SET', P .. 'seenorgs:' .. user, orgs, 'PX', ARGV[4])\n"
            + "  return {1, now, orgs}\n"
            + "end\n"
            + "return {0, 0, ''}\n";

    /**
     * ARGV: prefix, node, ttl, retention, mode, then (mode 1) user, count, orgs triples. Mode 0 refreshes the node's
     * stamp, or answers "resync" when the node is not registered (the others took it for dead); mode 1 replaces the
     * node's hash with the given counts and stamps it; mode 2 takes the node out. Every mode first reaps the nodes
     * whose stamp is older than the TTL. Returns {now, resync, status, user, orgs, status, user, orgs, ...}.
     */
    static final String BEAT = NOW
            + "local P, node, ttl, retention, mode = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]\n"
            + "local out = {now, 0}\n"
            + "local function adjust(user, delta, orgs)\n"
            + "  if delta == 0 then return end\n"
            + "  local total = redis.call('HINCRBY', P .. 'count', user, delta)\n"
            + "  if delta > 0 and total == delta then\n"
            + "    redis.call('HSET', P .. 'orgs', user, orgs)\n"
            + "    out[#out + 1] = 'online'; out[#out + 1] = user; out[#out + 1] = orgs\n"
            + "  elseif delta < 0 and total <= 0 then\n"
            + "    redis.call('HDEL', P .. 'count', user)\n"
            + "    out[#out + 1] = 'offline'; out[#out + 1] = user\n"
            + "    local orgs = redis.call('HGET', P .. 'orgs', user) or ''\n"
            + "    out[#out + 1] = orgs\n"
            + "    redis.call('HDEL', P .. 'orgs', user)\n"
            + "    redis.call('SET', P .. 'seen:' .. user, now, 'PX', retention)\n"
            + "    redis.call('SET', P .. 'seenorgs:' .. user, orgs, 'PX', retention)\n"
            + "  end\n"
            + "end\n"
            + "local function replace(id, wanted, orgs)\n"
            + "  local key = P .. 'node:' .. id\n"
            + "  local old = redis.call('HGETALL', key)\n"
            + "  local had = {}\n"
            + "  for i = 1, #old, 2 do had[old[i]] = tonumber(old[i + 1]) end\n"
            + "  for user, count in pairs(had) do adjust(user, (wanted[user] or 0) - count, orgs[user] or '') end\n"
            + "  for user, count in pairs(wanted) do\n"
            + "    if had[user] == nil then adjust(user, count, orgs[user] or '') end\n"
            + "  end\n"
            + "  redis.call('DEL', key)\n"
            + "  for user, count in pairs(wanted) do redis.call('HSET', key, user, count) end\n"
            + "end\n"
            + "local dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now - ttl)\n"
            + "for _, id in ipairs(dead) do\n"
            + "  if id ~= node then\n"
            + "    replace(id, {}, {})\n"
            + "    redis.call('ZREM', P .. 'nodes', id)\n"
            + "  end\n"
            + "end\n"
            + "if mode == '0' then\n"
            + "  if redis.call('ZSCORE', P .. 'nodes', node) then\n"
            + "    redis.call('ZADD', P .. 'nodes', now, node)\n"
            + "  else\n"
            + "    out[2] = 1\n"
            + "  end\n"
            + "elseif mode == '1' then\n"
            + "  local wanted, orgs = {}, {}\n"
            + "  for i = 6, #ARGV, 3 do wanted[ARGV[i]] = tonumber(ARGV[i + 1]); orgs[ARGV[i]] = ARGV[i + 2] end\n"
            + "  replace(node, wanted, orgs)\n"
            + "  redis.call('ZADD', P .. 'nodes', now, node)\n"
            + "else\n"
            + "  replace(node, {}, {})\n"
            + "  redis.call('ZREM', P .. 'nodes', node)\n"
            + "end\n"
            + "return out\n";

    /** ARGV: prefix, users... Returns {count, seen (or -1), orgs (JSON, or '')} per user. */
    static final String QUERY = "local P = ARGV[1]\n"
            + "local out = {}\n"
            + "for i = 2, #ARGV do\n"
            + "  local count = tonumber(redis.call('HGET', P .. 'count', ARGV[i]) or 0)\n"
            + "  out[#out + 1] = count\n"
            + "  out[#out + 1] = tonumber(redis.call('GET', P .. 'seen:' .. ARGV[i]) or -1)\n"
            + "  if count > 0 then\n"
            + "    out[#out + 1] = redis.call('HGET', P .. 'orgs', ARGV[i]) or ''\n"
            + "  else\n"
            + "    out[#out + 1] = redis.call('GET', P .. 'seenorgs:' .. ARGV[i]) or ''\n"
            + "  end\n"
            + "end\n"
            + "return out\n";

    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final String prefix;
    /**
     * The one key each script names (KEYS[1]): on a Redis Cluster it routes the script to the shard of the prefix's
     * hash tag, where every other key the script builds from the prefix lives too.
     */
    private final String[] anchor;
    private final String nodeId;
    private final long ttl;
    private final long lastSeenRetention;
    private final ScheduledExecutorService thread;
    /** This node's sockets per user and the orgs of those users; touched on {@link #thread} only. */
    private final Map<String, Integer> local = new LinkedHashMap<>();
    private final Map<String, String> localOrgs = new LinkedHashMap<>();
    private volatile Listener listener = transition -> { };
    /** Redis may not match the local counts (a command failed, or the others reaped this node): sync at the beat. */
    private volatile boolean outOfDate = true;
    private boolean beating;
    private volatile boolean stopped;
    private ScheduledFuture<?> refresh;

    /**
     * @param prefix            the key prefix (unique per cluster; e.g. {@code socket.io:presence:})
     * @param ttl               ms after its last refresh a silent node's users go offline; it refreshes every ttl/3
     * @param lastSeenRetention ms a last-seen time is kept
     */
    public RedisPresenceStore(RedisClusterAsyncCommands<String, byte[]> redis, String prefix, long ttl,
                              long lastSeenRetention) {
        this.redis = redis;
        this.prefix = prefix;
        this.anchor = new String[] {prefix + "count"};
        this.nodeId = UUID.randomUUID().toString();
        this.ttl = ttl;
        this.lastSeenRetention = lastSeenRetention;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "switchboard-presence-" + nodeId.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The key prefix of presence for the adapter's key prefix: {@code {socket.io:presence}:}. The braces are a
     * Redis Cluster hash tag: every presence key hashes to one slot, so that each script (which reads and writes
     * several of them) runs on one shard. On a single Redis they change nothing but the names.
     */
    public static String prefixFor(String keyPrefix) {
        return "{" + keyPrefix + ":presence}:";
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        long interval = Math.max(1, ttl / 3);
        refresh = thread.scheduleWithFixedDelay(this::beat, 0, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void connected(String userId, List<String> orgs) {
        String orgsJson = json(orgs);
        run(() -> {
            local.merge(userId, 1, Integer::sum);
            localOrgs.putIfAbsent(userId, orgsJson);
            eval(CONNECT, prefix, nodeId, userId, orgsJson).whenCompleteAsync((reply, error) -> {
                if (error != null) {
                    failed("connect", error);
                } else if (number(reply.get(0)) == 1) {
                    announce(new Transition(userId, true, number(reply.get(1)), orgs));
                }
            }, thread);
        });
    }

    @Override
    public void disconnected(String userId) {
        run(() -> {
            Integer count = local.get(userId);
            if (count == null) {
                return;
            }
            if (count > 1) {
                local.put(userId, count - 1);
            } else {
                local.remove(userId);
                localOrgs.remove(userId);
            }
            eval(DISCONNECT, prefix, nodeId, userId, Long.toString(lastSeenRetention))
                    .whenCompleteAsync((reply, error) -> {
                        if (error != null) {
                            failed("disconnect", error);
                        } else if (number(reply.get(0)) == 1) {
                            announce(new Transition(userId, false, number(reply.get(1)), orgs(reply.get(2))));
                        }
                    }, thread);
        });
    }

    @Override
    public CompletableFuture<List<UserPresence>> query(List<String> userIds) {
        if (userIds.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] args = new String[userIds.size() + 1];
        args[0] = prefix;
        for (int i = 0; i < userIds.size(); i++) {
            args[i + 1] = userIds.get(i);
        }
        return eval(QUERY, args).thenApply(reply -> {
            List<UserPresence> result = new ArrayList<>(userIds.size());
            for (int i = 0; i < userIds.size(); i++) {
                long count = number(reply.get(3 * i));
                long seen = number(reply.get(3 * i + 1));
                result.add(new UserPresence(userIds.get(i), count > 0, count,
                        count > 0 || seen < 0 ? null : seen, orgs(reply.get(3 * i + 2))));
            }
            return result;
        });
    }

    /** One beat: a refresh (or a sync when out of date); never two at once. Runs on {@link #thread}. */
    private void beat() {
        if (stopped || beating) {
            return;
        }
        beating = true;
        boolean sync = outOfDate;
        outOfDate = false;
        beatCommand(sync ? "1" : "0").whenCompleteAsync((reply, error) -> {
            beating = false;
            if (error != null) {
                outOfDate = true;
                failed("refresh", error);
                return;
            }
            handleBeat(reply);
            if (number(reply.get(1)) == 1) {
                log.warn("presence: the other nodes took node {} for dead; registering its sockets again", nodeId);
                outOfDate = true;
                beat();
            }
        }, thread);
    }

    private CompletableFuture<List<Object>> beatCommand(String mode) {
        List<String> args = new ArrayList<>(List.of(prefix, nodeId, Long.toString(ttl),
                Long.toString(lastSeenRetention), mode));
        if (mode.equals("1")) {
            local.forEach((user, count) -> {
                args.add(user);
                args.add(Integer.toString(count));
                args.add(localOrgs.getOrDefault(user, ""));
            });
        }
        return eval(BEAT, args.toArray(String[]::new));
    }

    private void handleBeat(List<Object> reply) {
        long now = number(reply.get(0));
        for (int i = 2; i + 2 < reply.size(); i += 3) {
            announce(new Transition(text(reply.get(i + 1)), "online".equals(text(reply.get(i))), now,
                    orgs(reply.get(i + 2))));
        }
    }

    /**
     * Stops refreshing and leaves Redis as a crashed node would: its users stay counted until the others notice
     * the missing refresh. For tests.
     */
    void abandon() {
        stopped = true;
        if (refresh != null) {
            refresh.cancel(false);
        }
        thread.shutdownNow();
    }

    /** Takes this node's counts out of Redis (announcing who goes offline), waiting up to 2 s, and stops. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (refresh != null) {
            refresh.cancel(false);
        }
        CompletableFuture<Void> left = new CompletableFuture<>();
        try {
            thread.execute(() -> beatCommand("2").whenCompleteAsync((reply, error) -> {
                if (error == null) {
                    handleBeat(reply);
                } else {
                    log.warn("presence: could not take node {} out of Redis; the others will after the TTL: {}",
                            nodeId, error.toString());
                }
                left.complete(null);
            }, thread));
            left.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("presence: leaving Redis did not finish: {}", e.toString());
        } finally {
            thread.shutdown();
        }
    }

    private void run(Runnable task) {
        if (stopped) {
            return;
        }
        try {
            thread.execute(task);
        } catch (RuntimeException e) {
            // stopping meanwhile
        }
    }

    private void announce(Transition transition) {
        try {
            listener.transition(transition);
        } catch (RuntimeException e) {
            log.warn("presence: announcing {} failed", transition, e);
        }
    }

    private void failed(String what, Throwable error) {
        outOfDate = true;
        log.debug("presence: {} not recorded in Redis (catching up at the next refresh): {}", what, error.toString());
    }

    // ---- scripts ----

    private CompletableFuture<List<Object>> eval(String script, String... args) {
        byte[][] values = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        CompletableFuture<List<Object>> result = new CompletableFuture<>();
        CompletableFuture<List<Object>> first;
        try {
            first = redis.<List<Object>>evalsha(sha1(script), ScriptOutputType.MULTI, anchor, values)
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        first.whenComplete((reply, error) -> {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException
                    || cause != null && String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
                // first use since Redis started: send the script itself (Redis caches it for the EVALSHAs)
                redis.<List<Object>>eval(script.getBytes(StandardCharsets.UTF_8), ScriptOutputType.MULTI, anchor,
                        values).whenComplete((again, failure) -> {
                            if (failure != null) {
                                result.completeExceptionally(failure);
                            } else {
                                result.complete(again);
                            }
                        });
            } else if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(reply);
            }
        });
        return result;
    }

    private static final Map<String, String> SHAS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String sha1(String script) {
        return SHAS.computeIfAbsent(script, text -> {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof byte[] bytes) {
            return Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
        }
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String json(List<String> orgs) {
        try {
            return JSON.writeValueAsString(orgs);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> orgs(Object value) {
        String text = value == null ? "" : text(value);
        if (text.isEmpty()) {
            return List.of();
        }
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
