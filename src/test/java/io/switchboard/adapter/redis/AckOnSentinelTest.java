package io.switchboard.adapter.redis;

/** The broadcasts with acknowledgements and server-side emits of AckClusterTest across three nodes on Redis with Sentinel (LocalRedisSentinel). */
class AckOnSentinelTest extends AckClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisSentinel.startedUrl());
    }
}
