package io.switchboard.adapter.redis;

/** The broadcasts of BroadcastClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in classic mode (PUBLISH reaches every shard). */
class BroadcastOnRedisClusterTest extends BroadcastClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisCluster.startedUrl());
    }
}
