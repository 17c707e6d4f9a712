package io.switchboard.adapter.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.core.Adapter;
import io.switchboard.core.AdapterFactory;
import io.switchboard.core.Namespace;
import io.switchboard.core.ServerOptions;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Makes the Redis adapter of each namespace of one server, all sharing one pair of Redis connections:
 *
 * <pre>
 * RedisAdapterFactory redis = RedisAdapterFactory.connect(RedisAdapterOptions.fromEnvironment(System.getenv()));
 * Server server = new Server(new ServerOptions().adapter(redis));
 * </pre>
 *
 * Connects at once, so that a wrong URL fails at startup rather than at the first broadcast. The connections close
 * when the last adapter closes (with the server), or with {@link #close}. One factory serves one server: a second
 * server on the same factory would share its subscriptions and count as the same node.
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {
    private final RedisAdapterOptions options;
    private final RedisLink link;
    private final Set<Adapter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private RedisEngineLink engineLink;

    private RedisAdapterFactory(RedisAdapterOptions options) {
        this.options = options;
        this.link = new RedisLink(options);
    }

    /** Connects to Redis; throws a Lettuce {@code RedisConnectionException} when it cannot be reached. */
    public static RedisAdapterFactory connect(RedisAdapterOptions options) {
        return new RedisAdapterFactory(options);
    }

    @Override
    public Adapter create(Namespace namespace) {
        if (closed) {
            throw new IllegalStateException("this Redis adapter factory is closed");
        }
        Adapter[] made = new Adapter[1];
        Runnable onClose = () -> released(made[0]);
        made[0] = options.sharded() ? new ShardedRedisAdapter(namespace, link, options, onClose)
                : new RedisAdapter(namespace, link, options, onClose);
        open.add(made[0]);
        return made[0];
    }

    /**
     * Recovery stores in Redis, for {@code ServerOptions.recoveryStore}: with them a client recovers its session on
     * whichever node it reconnects to.
     */
    public ServerOptions.RecoveryStoreFactory recoveryStores() {
        ObjectMapper json = new ObjectMapper();
        boolean seesEveryBroadcast = !options.sharded()
                || options.subscriptionMode() == RedisAdapterOptions.SubscriptionMode.STATIC;
        return (namespace, recovery) -> new RedisRecoveryStore(link, json, options.key(), namespace.name(),
                recovery.maxDisconnectionDuration(), seesEveryBroadcast, System::currentTimeMillis);
    }

    /**
     * The cluster engine's link to the other nodes over this factory's connections, for
     * {@code EngineOptions.cluster}: with it any node serves any session. One per factory (one node tag).
     */
    public synchronized io.switchboard.engine.ClusterLink engineLink() {
        if (engineLink == null) {
            engineLink = new RedisEngineLink(link, options.key());
        }
        return engineLink;
    }

    /**
     * Plain async commands on this factory's (non-subscriber) connection, for other server components that keep
     * state in the same Redis (presence). Commands are rejected at once while Redis is unreachable.
     */
    public io.lettuce.core.api.async.RedisAsyncCommands<String, byte[]> commands() {
        return link.commands();
    }

    public RedisAdapterOptions options() {
        return options;
    }

    /** How many malformed messages were dropped since the start. */
    public long malformedCount() {
        return link.malformedCount();
    }

    /** How many messages were dropped since the start because the inbox was full (the node could not keep up). */
    public long inboxDroppedCount() {
        return link.inboxDroppedCount();
    }

    /** Messages published to Redis since the start (broadcasts, requests, responses). */
    public long publishedCount() {
        return link.publishedCount();
    }

    /** Messages received from Redis since the start. */
    public long receivedCount() {
        return link.receivedCount();
    }

    /** Cluster requests that ended at their timeout without every answer. */
    public long requestTimeoutCount() {
        return link.requestTimeoutCount();
    }

    /** Told the duration of each cluster request that got all its answers. */
    public void onRequestLatency(java.util.function.LongConsumer listener) {
        link.onRequestLatency(listener);
    }

    /** Whether both Redis connections are up right now (they reconnect by themselves when not). */
    public boolean isConnected() {
        return link.isConnected();
    }

    private void released(Adapter adapter) {
        if (open.remove(adapter) && open.isEmpty()) {
            close();
        }
    }

    /** Closes the connections; adapters still open stop reaching the other nodes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Adapter adapter : Set.copyOf(open)) {
            adapter.close();
        }
        link.close();
    }
}
