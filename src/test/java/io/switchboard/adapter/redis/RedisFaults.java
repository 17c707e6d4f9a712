package io.switchboard.adapter.redis;

import java.util.concurrent.CompletableFuture;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/** Faults a test injects into a Redis of its own (never the shared one). */
final class RedisFaults {
    private RedisFaults() {
    }

    /**
     * {@code DEBUG SLEEP}: the whole server stops, reading nothing, for that long; completes when it answers again.
     * The Redis must allow DEBUG ({@link RedisProcess} does, from localhost).
     */
    static CompletableFuture<String> debugSleep(StatefulRedisConnection<String, String> connection, double seconds) {
        return connection.async().dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(seconds)).toCompletableFuture();
    }
}
