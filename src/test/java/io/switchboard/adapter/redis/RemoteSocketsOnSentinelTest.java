package io.switchboard.adapter.redis;

/** The fetchSockets and the remote socket operations of RemoteSocketsClusterTest across three nodes on Redis with Sentinel (LocalRedisSentinel). */
class RemoteSocketsOnSentinelTest extends RemoteSocketsClusterTest {
    @Override
    protected void topology(RedisAdapterOptions options) {
        options.url(LocalRedisSentinel.startedUrl());
    }
}
