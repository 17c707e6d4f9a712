package io.switchboard.adapter.redis;

/** The recovery store of RedisRecoveryStoreTest, its nodes on Redis with Sentinel. */
class RedisRecoveryStoreOnSentinelTest extends RedisRecoveryStoreTest {
    @Override
    protected String url() {
        return LocalRedisSentinel.startedUrl();
    }
}
