package io.switchboard.adapter.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * The Redis commands and pub/sub subscriptions one node needs, over whichever deployment the URL names: one Redis
 * ({@code redis://}), a master found through Sentinel ({@code redis-sentinel://}) or a Redis Cluster
 * ({@code redis-cluster://}). Everything above this (the adapters, the recovery store, presence) is written once
 * against it.
 *
 * <p>Messages and (re)connections are told to the {@link Events} given at opening, on Lettuce's I/O threads.
 */
interface RedisConnections extends AutoCloseable {

    /** What the connections tell their owner. */
    interface Events {
        void message(RedisLink.Kind kind, String subscription, String channel, byte[] message);

        /** A subscriber connection (re)connected: what it should carry is to be issued again. */
        void subscriberConnected(Object where);

        void disconnected(String which);
    }

    static RedisConnections open(RedisAdapterOptions options, io.lettuce.core.resource.ClientResources resources,
                                 Events events) {
        RedisUrl url = RedisUrl.parse(options.url());
        return url.cluster() ? new ClusterConnections(url, options, resources, events)
                : new StandaloneConnections(url, options, resources, events);
    }

    /** Hands what a subscriber connection receives to the events, by the kind of its subscription. */
    static io.lettuce.core.pubsub.RedisPubSubListener<String, byte[]> forwarding(Events events) {
        return new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                events.message(RedisLink.Kind.CHANNEL, channel, channel, message);
            }

            @Override
            public void message(String pattern, String channel, byte[] message) {
                events.message(RedisLink.Kind.PATTERN, pattern, channel, message);
            }

            @Override
            public void smessage(String channel, byte[] message) {
                events.message(RedisLink.Kind.SHARD, channel, channel, message);
            }
        };
    }

    static void closeQuietly(AutoCloseable... connections) {
        for (AutoCloseable connection : connections) {
            try {
                connection.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(RedisConnections.class).debug("closing a Redis connection failed", e);
            }
        }
    }

    /** Plain commands (never on a subscriber connection); on a cluster each is routed to its key's shard. */
    RedisClusterAsyncCommands<String, byte[]> commands();

    CompletableFuture<Long> publish(String channel, byte[] message);

    CompletableFuture<Long> spublish(String channel, byte[] message);

    /**
     * The number of subscriber connections of the channel, as Node's adapter counts them: PUBSUB NUMSUB (summed over
     * the masters of a cluster), or SHARDNUMSUB on the shard that owns the channel.
     */
    CompletableFuture<Integer> numsub(String channel, boolean shard);

    CompletableFuture<Void> subscribe(RedisLink.Kind kind, String name);

    CompletableFuture<Void> unsubscribe(RedisLink.Kind kind, List<String> names);

    /** Whether an UNSUBSCRIBE can be sent now; when not, the caller sends it after the next reconnection. */
    boolean subscriberOpen();

    boolean isConnected();

    @Override
    void close();
}
