package io.switchboard.server.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.switchboard.adapter.redis.LocalRedisCluster;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.Test;

/**
 * The presence of RedisPresenceClusterTest with its nodes on a Redis Cluster of 3 masters and 3 replicas: the
 * scripts run there because every presence key carries one hash tag and each script names one of them.
 */
class RedisPresenceOnRedisClusterTest extends RedisPresenceClusterTest {
    @Override
    protected PresenceTestSupport support() {
        return new PresenceTestSupport(LocalRedisCluster::startedUrl);
    }

    /**
     * Instead of counting commands with MONITOR (one node of a cluster sees only its own): every key presence made
     * is in the one slot of its hash tag.
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
        int slot = io.lettuce.core.cluster.SlotHash.getSlot(prefix + "count");
        io.lettuce.core.cluster.RedisClusterClient client = io.lettuce.core.cluster.RedisClusterClient.create(
                LocalRedisCluster.get().url().replace("redis-cluster://", "redis://").split(",")[0]);
        try (var connection = client.connect()) {
            var keys = connection.sync().keys(prefix + "*");
            assertTrue(keys.contains(prefix + "seen:dave") && keys.contains(prefix + "nodes"), keys.toString());
            for (String key : keys) {
                assertEquals(slot, io.lettuce.core.cluster.SlotHash.getSlot(key), key);
            }
        } finally {
            client.shutdown();
        }
    }
}
