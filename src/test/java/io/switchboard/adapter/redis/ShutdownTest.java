package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Closing a server leaves nothing behind in Redis: no subscription, no connection. */
class ShutdownTest {
    @Test
    void closingLeavesNoSubscriptionBehind() throws InterruptedException {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            cluster.node(0).server().of("/other");
            cluster.node(1).server().of("/other");
            cluster.awaitReady("/other");
            String key = cluster.key;
            assertEquals(2, cluster.redis.numsub(key + "-request#/other#"));

            cluster.closeNode(1);
            assertEquals(1, cluster.redis.numsub(key + "-request#/#"));
            assertEquals(1, cluster.redis.numsub(key + "-request#/other#"));
            assertEquals(0, cluster.redis.numsub(key + "-response#/#" + cluster.node(1).adapter("/").uid() + "#"));
            // the factory let its connections go with the last adapter
            ClusterFixture.eventually("node 1's connections closed", () ->
                    cluster.redis.clientIds(cluster.node(1).clientName() + "-sub").isEmpty()
                            && cluster.redis.clientIds(cluster.node(1).clientName() + "-pub").isEmpty());
            assertFalse(cluster.node(1).factory().isConnected());

            cluster.closeNode(0);
            List<String> left = cluster.redis.sync().pubsubChannels(key + "*");
            assertTrue(left.isEmpty(), left::toString);
            assertEquals(0L, cluster.redis.numsub(key + "-request#/#"));
        }
    }
}
