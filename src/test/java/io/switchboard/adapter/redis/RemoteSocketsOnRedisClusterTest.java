package io.switchboard.adapter.redis;

/** The fetchSockets and the remote socket operations of RemoteSocketsClusterTest across three nodes on a Redis Cluster of 3 masters and 3 replicas (LocalRedisCluster), in classic mode (PUBLISH reaches every shard). */
class RemoteSocketsOnRedisClusterTest extends RemoteSocketsClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisCluster.startedUrl());
    }
}
