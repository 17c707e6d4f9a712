package io.switchboard.adapter.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * One Redis, given directly or as the master Sentinel knows: a subscriber and a command connection. With Sentinel,
 * Lettuce asks the sentinels for the current master at every (re)connection, so a failover is a reconnection.
 */
final class StandaloneConnections implements RedisConnections {
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, byte[]> sub;
    private final StatefulRedisConnection<String, byte[]> pub;

    StandaloneConnections(RedisUrl url, RedisAdapterOptions options, ClientResources resources, Events events) {
        RedisURI uri = url.uris().get(0);
        this.client = RedisClient.create(resources, uri);
        String source = options.url();
        client.setOptions(RedisLink.configure(io.lettuce.core.ClientOptions.builder(), options).build());
        try {
            this.sub = client.connectPubSub(RedisLink.CODEC, named(source, options.clientName() + "-sub"));
            this.pub = client.connect(RedisLink.CODEC, named(source, options.clientName() + "-pub"));
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
        sub.addListener(RedisConnections.forwarding(events));
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == sub) {
                    events.subscriberConnected(address);
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                events.disconnected(connection == sub ? "pub/sub" : "command");
            }
        });
    }

    /** Parsed anew: Lettuce's RedisURI.builder(uri) copy drops the sentinels of a redis-sentinel:// URI. */
    private static RedisURI named(String url, String name) {
        RedisURI uri = RedisURI.create(url);
        uri.setClientName(name);
        return uri;
    }

    static RedisURI named(RedisURI uri, String name) {
        RedisURI copy = RedisURI.builder(uri).build();
        copy.setClientName(name);
        return copy;
    }

    @Override
    public RedisClusterAsyncCommands<String, byte[]> commands() {
        return pub.async();
    }

    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        return pub.async().publish(channel, message).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Long> spublish(String channel, byte[] message) {
        return pub.async().spublish(channel, message).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Integer> numsub(String channel, boolean shard) {
        RedisFuture<Map<String, Long>> future = shard ? pub.async().pubsubShardNumsub(channel)
                : pub.async().pubsubNumsub(channel);
        return future.toCompletableFuture().thenApply(counts -> count(counts, channel));
    }

    static int count(Map<String, Long> counts, String channel) {
        Long count = counts.get(channel);
        return count == null ? 0 : count.intValue();
    }

    @Override
    public CompletableFuture<Void> subscribe(RedisLink.Kind kind, String name) {
        RedisFuture<Void> future = switch (kind) {
            case CHANNEL -> sub.async().subscribe(name);
            case PATTERN -> sub.async().psubscribe(name);
            case SHARD -> sub.async().ssubscribe(name);
        };
        return future.toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> unsubscribe(RedisLink.Kind kind, List<String> names) {
        String[] array = names.toArray(String[]::new);
        RedisFuture<Void> future = switch (kind) {
            case CHANNEL -> sub.async().unsubscribe(array);
            case PATTERN -> sub.async().punsubscribe(array);
            case SHARD -> sub.async().sunsubscribe(array);
        };
        return future.toCompletableFuture();
    }

    @Override
    public boolean subscriberOpen() {
        return sub.isOpen();
    }

    @Override
    public boolean isConnected() {
        return sub.isOpen() && pub.isOpen();
    }

    @Override
    public void close() {
        RedisConnections.closeQuietly(sub, pub);
        shutdown();
    }

    private void shutdown() {
        client.shutdown(Duration.ZERO, RedisLink.CLOSE_WAIT);
    }
}
