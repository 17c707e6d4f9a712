package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A master of the Redis Cluster killed under traffic (the one that carries the nodes' broadcast subscriptions): its
 * replica is promoted (cluster-node-timeout 1 s) and the nodes move their subscriptions to it by themselves.
 */
class RedisClusterFailoverTest extends FailoverMidTraffic {
    private void killTheMasterOf(String channel, boolean sharded, String what) throws Exception {
        LocalRedisCluster redis = LocalRedisCluster.get();
        String key = "fo" + Ids.random(6).replace('-', 'x').replace('_', 'y');
        startNodes(redis.url(), key, sharded);
        int master = redis.masterOf(channel.replace("KEY", key));
        try {
            Cost cost = failover(what, () -> {
                redis.kill(master);
                redis.awaitPromotionAway(master);
            });
            assertTrue(cost.resumeMillis() < 30_000);
        } finally {
            redis.restart(master);
        }
    }

    @Test
    void classicDeliveryResumesAfterTheMasterOfTheBroadcastPatternDies() throws Exception {
        killTheMasterOf("KEY#/#*", false, "a Redis Cluster master killed (classic)");
    }

    @Test
    void shardedDeliveryResumesAfterTheMasterOfTheNamespaceChannelDies() throws Exception {
        killTheMasterOf("KEY#/#", true, "a Redis Cluster master killed (sharded)");
    }
}
