package io.switchboard.adapter.redis;

/** The broadcasts of BroadcastClusterTest across three nodes on Redis with Sentinel (LocalRedisSentinel). */
class BroadcastOnSentinelTest extends BroadcastClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisSentinel.startedUrl());
    }
}
