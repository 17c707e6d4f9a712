package io.switchboard.adapter.redis;

/** The recovery store of RedisRecoveryStoreTest, its nodes on a Redis Cluster of 3 masters and 3 replicas (each node's log and each session on the shard of its key). */
class RedisRecoveryStoreOnClusterTest extends RedisRecoveryStoreTest {
    @Override
    protected String url() {
        return LocalRedisCluster.startedUrl();
    }
}
