package io.switchboard.server.adminui;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Sessions in Redis, shared by every node: the key {@code <prefix>#<sessionId>} holding "1" with the session
 * duration as its TTL, the layout of {@code @socket.io/admin-ui}'s RedisStore, so that with the prefix
 * "socket.io-admin" (adapter.redis.keyPrefix "socket.io", the default, plus "-admin") a login made on a Node node
 * opens Switchboard nodes too, and back.
 */
public final class RedisAdminUiSessions implements AdminUiSessions {
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final String prefix;
    private final long durationSeconds;

    public RedisAdminUiSessions(RedisClusterAsyncCommands<String, byte[]> redis, String prefix, long durationSeconds) {
        this.redis = redis;
        this.prefix = prefix;
        this.durationSeconds = durationSeconds;
    }

    private String key(String sessionId) {
        return prefix + "#" + sessionId;
    }

    @Override
    public CompletableFuture<Boolean> exists(String sessionId) {
        return redis.exists(key(sessionId)).toCompletableFuture().thenApply(count -> count != null && count == 1);
    }

    @Override
    public CompletableFuture<Void> save(String sessionId) {
        return redis.set(key(sessionId), "1".getBytes(StandardCharsets.UTF_8), SetArgs.Builder.ex(durationSeconds))
                .toCompletableFuture().thenApply(ok -> null);
    }
}
