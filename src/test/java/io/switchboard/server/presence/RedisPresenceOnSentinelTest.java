package io.switchboard.server.presence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.switchboard.adapter.redis.LocalRedisSentinel;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.Test;

/** The presence of RedisPresenceClusterTest with its nodes on Redis with Sentinel: the master the sentinels name. */
class RedisPresenceOnSentinelTest extends RedisPresenceClusterTest {
    @Override
    protected PresenceTestSupport support() {
        return new PresenceTestSupport(LocalRedisSentinel::startedUrl);
    }

    /**
     * Instead of counting commands with MONITOR on the shared Redis (the nodes are not on it here): the keys presence
     * made are on the master, reached through the sentinels as the nodes reach it.
     */
    @Override
    @Test
    void eachConnectAndDisconnectIsOneRedisCommandAndEachRefreshOne() throws Exception {
        SwitchboardServer a = support.node("redis", Map.of());
        SwitchboardServer b = support.node("redis", Map.of());
        PresenceTestSupport.Client watcher = support.connect(a, "watcher", "acme");
        PresenceTestSupport.Client dave = support.connect(b, "dave", "acme");
        watcher.await("dave", "online");
        dave.disconnect();
        watcher.await("dave", "offline");
        String prefix = RedisPresenceStore.prefixFor(support.prefix);
        RedisClient client = RedisClient.create(RedisURI.create(LocalRedisSentinel.startedUrl()));
        try (var connection = client.connect()) {
            var keys = connection.sync().keys(prefix + "*");
            assertTrue(keys.contains(prefix + "seen:dave") && keys.contains(prefix + "nodes"), keys.toString());
        } finally {
            client.shutdown();
        }
    }
}
