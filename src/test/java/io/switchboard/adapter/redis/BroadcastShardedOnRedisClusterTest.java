package io.switchboard.adapter.redis;

/** The broadcasts of BroadcastClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in sharded mode (SSUBSCRIBE/SPUBLISH, each channel on its shard). */
class BroadcastShardedOnRedisClusterTest extends BroadcastClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisCluster.startedUrl());
        options.sharded(true);
    }

    /**
     * On a Redis Cluster each room channel lives on its own shard: broadcasts to different channels keep no order
     * between them (Node's sharded adapter has the same), so what each client gets is compared as a set.
     */
    @Override
    @org.junit.jupiter.api.Test
    void roomsAndExceptSelectAcrossNodes() {
        join(0, a, "r1");
        join(1, b, "r1", "r2");
        join(2, c, "r2", "x");
        // a node subscribes to a room's shard channel when the room appears there: publish once Redis counts them
        cluster.awaitShardNumsub(cluster.key + "#/#r1#", 2);
        cluster.awaitShardNumsub(cluster.key + "#/#r2#", 2);
        server(0).to("r1").emit("one-room");
        server(0).to("r1", "r2").emit("two-rooms");
        server(0).to("r2").except("x").emit("except");
        server(0).emit("marker");
        assertReceived(a, java.util.Set.of("one-room", "two-rooms", "marker"));
        assertReceived(b, java.util.Set.of("one-room", "two-rooms", "except", "marker"));
        assertReceived(c, java.util.Set.of("two-rooms", "marker"));
    }

    private static void assertReceived(TestClient client, java.util.Set<String> expected) {
        java.util.Set<String> got = new java.util.HashSet<>();
        while (!got.containsAll(expected)) {
            got.add((String) client.next()[0]);
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected, got);
    }
}
