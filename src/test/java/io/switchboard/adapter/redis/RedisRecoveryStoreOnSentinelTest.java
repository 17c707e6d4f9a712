package io.switchboard.adapter.redis;

/** The recovery store of RedisRecoveryStoreTest, its nodes on Redis with Sentinel. */
class RedisRecoveryStoreOnSentinelTest extends RedisRecoveryStoreTest {
    @Override
    protected String url() {
        try {
            return LocalRedisSentinel.get().url();
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
    }
}
