package io.switchboard.adapter.redis;

/** The broadcasts with acknowledgements and server-side emits of AckClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in sharded mode (SSUBSCRIBE/SPUBLISH, each channel on its shard). */
class AckShardedOnRedisClusterTest extends AckClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisCluster.startedUrl());
        options.sharded(true);
    }

    /** The sharded adapter's uid is 16 hex characters (the classic one's 6). */
    @Override
    @org.junit.jupiter.api.Test
    void serverCountIsTheNumberOfNodes() {
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(3,
                    TestClient.await(server(i).sockets().adapter().serverCount()));
        }
        org.junit.jupiter.api.Assertions.assertEquals(16, cluster.node(0).adapter("/").uid().length());
    }
}
