package io.switchboard.adapter.redis;

/** The recovery store of RedisRecoveryStoreTest, its nodes on a Redis Cluster of 3 masters and 3 replicas (each node's log and each session on the shard of its key). */
class RedisRecoveryStoreOnClusterTest extends RedisRecoveryStoreTest {
    @Override
    protected String url() {
        try {
            return LocalRedisCluster.get().url();
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
    }
}
