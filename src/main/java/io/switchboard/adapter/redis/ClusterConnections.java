package io.switchboard.adapter.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster, through Lettuce's cluster client. Commands go to their key's shard (Lettuce routes them).
 * Every subscription (channel, pattern or shard channel) is made on the MASTER that owns the slot of its name, on
 * Lettuce's per-node pub/sub connection to it:
 * <ul>
 * <li>a shard channel must be subscribed on its owner (Redis answers MOVED elsewhere, and Lettuce's cluster pub/sub
 * connection sends SSUBSCRIBE to one default node);</li>
 * <li>a classic channel could be subscribed anywhere (Redis Cluster sends every PUBLISH to every node), but Node's
 * adapter counts the nodes of a cluster by summing PUBSUB NUMSUB over the MASTERS: a subscription on a replica would
 * not be counted, and requests would then wait for their timeout.</li>
 * </ul>
 * After a failover (a replica promoted) the slots have a new owner: a reconciliation, every second and after each
 * topology change, subscribes again on the current owner, so that delivery resumes by itself. Messages published
 * while a slot has no reachable master are lost (Redis pub/sub keeps nothing).
 */
final class ClusterConnections implements RedisConnections {
    private static final Logger log = LoggerFactory.getLogger(ClusterConnections.class);
    private static final long RECONCILE_MILLIS = 500;

    private record Key(RedisLink.Kind kind, String name) {
    }

    private final RedisClusterClient client;
    private final StatefulRedisClusterPubSubConnection<String, byte[]> sub;
    private final StatefulRedisClusterConnection<String, byte[]> pub;
    /** Every wanted subscription, with the node id it is confirmed on ("" while not confirmed). Guarded by this. */
    private final Map<Key, String> homes = new HashMap<>();
    /** The per-node subscriber connections opened so far, by node id. */
    private final Map<String, StatefulRedisPubSubConnection<String, byte[]>> nodes = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> reconciling;
    private final String publishAnchor;
    private volatile StatefulRedisConnection<String, byte[]> publisher;
    private volatile String publisherId;
    private volatile long lastRefresh;
    private volatile boolean closed;

    ClusterConnections(RedisUrl url, RedisAdapterOptions options, ClientResources resources, Events events) {
        List<RedisURI> seeds = url.uris().stream()
                .map(uri -> StandaloneConnections.named(uri, options.clientName())).toList();
        this.client = RedisClusterClient.create(resources, seeds);
        this.publishAnchor = options.key();
        // Lettuce learns a failover from the cluster itself: at once when a connection keeps failing or a command
        // is redirected (adaptive triggers, at most one a second), and every 10 s anyway
        ClusterClientOptions.Builder builder = RedisLink.configure(ClusterClientOptions.builder(), options);
        // Lettuce opens a node's connection at the first command for it, and would reject that command while
        // connecting: here commands wait for the connection (bounded by the command timeout and the queue size)
        builder.disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS);
        client.setOptions(builder
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .refreshTriggersReconnectAttempts(2)
                        .enablePeriodicRefresh(Duration.ofSeconds(10))
                        .build())
                .build());
        try {
            this.sub = client.connectPubSub(RedisLink.CODEC);
            this.pub = client.connect(RedisLink.CODEC);
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
        // the masters' command connections at once, so that the first broadcasts do not wait for them
        for (RedisClusterNode master : masters()) {
            pub.getConnectionAsync(master.getNodeId()).exceptionally(error -> null);
        }
        // messages of the per-node connections are handed to the listeners of the cluster connection
        sub.setNodeMessagePropagation(true);
        sub.addListener(RedisConnections.forwarding(events));
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection instanceof StatefulRedisPubSubConnection<?, ?> && connection != sub && !closed) {
                    // a node's subscriber connection is back: what it carried is issued again (Redis ignores a
                    // SUBSCRIBE the connection already has)
                    unconfirmAll();
                    events.subscriberConnected(address);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed) {
                    events.disconnected(connection instanceof StatefulRedisPubSubConnection<?, ?> ? "pub/sub"
                            : "command");
                }
            }
        });
        this.reconciling = resources.eventExecutorGroup().scheduleWithFixedDelay(this::reconcile,
                RECONCILE_MILLIS, RECONCILE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> commands() {
        return pub.async();
    }

    /**
     * Every classic PUBLISH of this node goes to ONE master (the owner of the key prefix's slot), which sends it on
     * to every node of the cluster: Redis then keeps their order, as a single Redis does (routed by channel, a
     * broadcast to a room could overtake an earlier one to the namespace).
     */
    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        StatefulRedisConnection<String, byte[]> relay = publisher;
        RedisClusterNode owner = owner(publishAnchor);
        if (relay == null || !relay.isOpen() || owner == null || !owner.getNodeId().equals(publisherId)) {
            if (owner == null) {
                return pub.async().publish(channel, message).toCompletableFuture();
            }
            String ownerId = owner.getNodeId();
            return pub.getConnectionAsync(ownerId).thenCompose(connection -> {
                publisher = connection;
                publisherId = ownerId;
                return connection.async().publish(channel, message);
            });
        }
        return relay.async().publish(channel, message).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Long> spublish(String channel, byte[] message) {
        return pub.async().spublish(channel, message).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Integer> numsub(String channel, boolean shard) {
        if (shard) {
            RedisClusterNode owner = owner(channel);
            if (owner == null) {
                return CompletableFuture.failedFuture(new io.lettuce.core.RedisException("no master owns " + channel));
            }
            return pub.getConnectionAsync(owner.getNodeId())
                    .thenCompose(node -> node.async().pubsubShardNumsub(channel))
                    .thenApply(counts -> StandaloneConnections.count(counts, channel));
        }
        // as Node's adapter with a cluster client: the sum over the masters; one that does not answer counts 0
        List<CompletableFuture<Integer>> counts = new ArrayList<>();
        for (RedisClusterNode master : masters()) {
            counts.add(pub.getConnectionAsync(master.getNodeId())
                    .thenCompose(node -> node.async().pubsubNumsub(channel))
                    .thenApply(reply -> StandaloneConnections.count(reply, channel))
                    .exceptionally(error -> 0));
        }
        return CompletableFuture.allOf(counts.toArray(CompletableFuture<?>[]::new))
                .thenApply(done -> counts.stream().mapToInt(CompletableFuture::join).sum());
    }

    private List<RedisClusterNode> masters() {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (RedisClusterNode node : client.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.getSlots().isEmpty()) {
                masters.add(node);
            }
        }
        return masters;
    }

    private RedisClusterNode owner(String name) {
        return client.getPartitions().getMasterBySlot(SlotHash.getSlot(name));
    }

    @Override
    public CompletableFuture<Void> subscribe(RedisLink.Kind kind, String name) {
        Key key = new Key(kind, name);
        synchronized (this) {
            homes.putIfAbsent(key, "");
        }
        return issue(key);
    }

    /** Subscribes on the current owner of the name's slot, unless already confirmed there. */
    private CompletableFuture<Void> issue(Key key) {
        RedisClusterNode owner = owner(key.name());
        if (owner == null) {
            refreshSoon();
            return CompletableFuture.failedFuture(new io.lettuce.core.RedisException("no master owns " + key.name()));
        }
        String ownerId = owner.getNodeId();
        String before;
        synchronized (this) {
            before = homes.get(key);
            if (ownerId.equals(before)) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return node(ownerId).thenCompose(connection -> command(connection.async(), key.kind(), true, key.name()))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        refreshSoon();
                        return;
                    }
                    String moveFrom;
                    boolean wanted;
                    synchronized (this) {
                        wanted = homes.containsKey(key);
                        moveFrom = wanted ? homes.put(key, ownerId) : null;
                    }
                    if (!wanted) {
                        leave(ownerId, key.kind(), List.of(key.name())); // unsubscribed meanwhile
                    } else if (moveFrom != null && !moveFrom.isEmpty() && !moveFrom.equals(ownerId)) {
                        leave(moveFrom, key.kind(), List.of(key.name())); // the old owner, if it still answers
                    }
                });
    }

    @Override
    public CompletableFuture<Void> unsubscribe(RedisLink.Kind kind, List<String> names) {
        Map<String, List<String>> byNode = new HashMap<>();
        synchronized (this) {
            for (String name : names) {
                String home = homes.remove(new Key(kind, name));
                if (home != null && !home.isEmpty()) {
                    byNode.computeIfAbsent(home, k -> new ArrayList<>()).add(name);
                }
            }
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        byNode.forEach((node, list) -> sent.add(leave(node, kind, list)));
        return CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new));
    }

    private CompletableFuture<Void> leave(String nodeId, RedisLink.Kind kind, List<String> names) {
        StatefulRedisPubSubConnection<String, byte[]> connection = nodes.get(nodeId);
        if (connection == null || !connection.isOpen()) {
            return CompletableFuture.completedFuture(null); // gone with its connection
        }
        return command(connection.async(), kind, false, names.toArray(String[]::new));
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> node(String nodeId) {
        StatefulRedisPubSubConnection<String, byte[]> known = nodes.get(nodeId);
        if (known != null && known.isOpen()) {
            return CompletableFuture.completedFuture(known);
        }
        // Lettuce hands out its cached connection to the node, or a new one when it closed a stale one
        try {
            return sub.getConnectionAsync(nodeId).thenApply(connection -> {
                nodes.put(nodeId, connection);
                return connection;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Void> command(RedisPubSubAsyncCommands<String, byte[]> redis,
                                                   RedisLink.Kind kind, boolean subscribe, String... names) {
        RedisFuture<Void> future = switch (kind) {
            case CHANNEL -> subscribe ? redis.subscribe(names) : redis.unsubscribe(names);
            case PATTERN -> subscribe ? redis.psubscribe(names) : redis.punsubscribe(names);
            case SHARD -> subscribe ? redis.ssubscribe(names) : redis.sunsubscribe(names);
        };
        return future.toCompletableFuture();
    }

    private synchronized void unconfirmAll() {
        homes.replaceAll((key, home) -> "");
    }

    /**
     * Moves each subscription to its slot's current owner and issues again those not confirmed; asks for a new
     * topology when a subscription's node cannot be reached (its replica may have been promoted).
     */
    private void reconcile() {
        if (closed) {
            return;
        }
        try {
            List<Key> stale = new ArrayList<>();
            boolean unreachable = false;
            synchronized (this) {
                for (Map.Entry<Key, String> entry : homes.entrySet()) {
                    RedisClusterNode owner = owner(entry.getKey().name());
                    if (owner == null || !owner.getNodeId().equals(entry.getValue())) {
                        stale.add(entry.getKey());
                    }
                    StatefulRedisPubSubConnection<String, byte[]> home = nodes.get(entry.getValue());
                    if (home != null && !home.isOpen()) {
                        unreachable = true;
                    }
                }
            }
            if (unreachable) {
                refreshSoon();
            }
            for (Key key : stale) {
                issue(key);
            }
        } catch (RuntimeException e) {
            log.debug("reconciling the cluster subscriptions failed", e);
        }
    }

    /** A topology refresh, at most one a second. */
    private void refreshSoon() {
        long now = System.nanoTime();
        if (closed || now - lastRefresh < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastRefresh = now;
        client.refreshPartitionsAsync().whenComplete((ok, error) -> {
            if (error != null) {
                log.debug("refreshing the cluster topology failed", error);
            }
        });
    }

    @Override
    public boolean subscriberOpen() {
        return true; // unsubscribing is routed here to the node that has the subscription
    }

    @Override
    public synchronized boolean isConnected() {
        if (!pub.isOpen()) {
            return false;
        }
        for (String home : homes.values()) {
            StatefulRedisPubSubConnection<String, byte[]> connection = nodes.get(home);
            if (connection == null || !connection.isOpen()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        reconciling.cancel(false);
        RedisConnections.closeQuietly(sub, pub);
        shutdown();
    }

    private void shutdown() {
        client.shutdown(Duration.ZERO, RedisLink.CLOSE_WAIT);
    }
}
