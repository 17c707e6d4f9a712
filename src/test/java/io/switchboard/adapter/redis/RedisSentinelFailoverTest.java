package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The master of a Sentinel set killed under traffic: the sentinels promote its replica (down-after-milliseconds
 * 1 s), and Lettuce, asking them at each reconnection, reconnects the nodes to it by itself.
 */
class RedisSentinelFailoverTest extends FailoverMidTraffic {
    @Test
    void deliveryResumesAfterTheMasterDies() throws Exception {
        LocalRedisSentinel redis = LocalRedisSentinel.get();
        startNodes(redis.url(), "fo" + Ids.random(6).replace('-', 'x').replace('_', 'y'), false);
        int master = redis.masterPort();
        try {
            Cost cost = failover("the Sentinel master killed", () -> {
                redis.kill(master);
                redis.awaitFailoverAway(master);
            });
            assertTrue(cost.resumeMillis() < 30_000);
        } finally {
            redis.restartAsReplica(master);
        }
    }
}
