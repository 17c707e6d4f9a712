package io.switchboard.adapter.redis;

/** The broadcasts with acknowledgements and server-side emits of AckClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in classic mode (PUBLISH reaches every shard). */
class AckOnRedisClusterTest extends AckClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisCluster.startedUrl());
    }
}
