package io.switchboard.adapter.redis;

/** The broadcasts of BroadcastClusterTest across three nodes on Redis with Sentinel (LocalRedisSentinel). */
class BroadcastOnSentinelTest extends BroadcastClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        try {
            options.url(LocalRedisSentinel.get().url());
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
    }
}
