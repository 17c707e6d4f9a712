package io.switchboard.adapter.redis;

import java.util.Map;

/**
 * Settings of the Redis adapter, with the Node adapter's names and defaults. {@link #fromEnvironment} reads them
 * from {@code REDIS_URL}, {@code REDIS_KEY_PREFIX}, {@code REDIS_REQUESTS_TIMEOUT}, {@code REDIS_SHARDED} and
 * {@code REDIS_SUBSCRIPTION_MODE} ({@code static}, {@code dynamic}, {@code dynamic-private}).
 */
public final class RedisAdapterOptions {
    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_KEY = "socket.io";
    public static final long DEFAULT_REQUESTS_TIMEOUT = 5_000;

    private String url = DEFAULT_URL;
    private String key = DEFAULT_KEY;
    private long requestsTimeout = DEFAULT_REQUESTS_TIMEOUT;
    private boolean publishOnSpecificResponseChannel;
    private boolean sharded;
    private SubscriptionMode subscriptionMode = SubscriptionMode.DYNAMIC;
    private String clientName = "switchboard";

    /** The defaults, overridden by whichever of the variables is set. */
    public static RedisAdapterOptions fromEnvironment(Map<String, String> env) {
        RedisAdapterOptions options = new RedisAdapterOptions();
        String url = env.get("REDIS_URL");
        if (url != null && !url.isBlank()) {
            options.url(url.trim());
        }
        String key = env.get("REDIS_KEY_PREFIX");
        if (key != null && !key.isBlank()) {
            options.key(key.trim());
        }
        String timeout = env.get("REDIS_REQUESTS_TIMEOUT");
        if (timeout != null && !timeout.isBlank()) {
            options.requestsTimeout(Long.parseLong(timeout.trim()));
        }
        options.sharded(Boolean.parseBoolean(env.getOrDefault("REDIS_SHARDED", "false").trim()));
        String mode = env.get("REDIS_SUBSCRIPTION_MODE");
        if (mode != null && !mode.isBlank()) {
            options.subscriptionMode(SubscriptionMode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT)
                    .replace('-', '_')));
        }
        return options;
    }

    public String url() {
        return url;
    }

    /** A Lettuce URI, e.g. {@code redis://:password@host:6379/0} or {@code rediss://...}. */
    public RedisAdapterOptions url(String value) {
        this.url = value;
        return this;
    }

    public String key() {
        return key;
    }

    /**
     * The channel prefix ({@code key} of the Node adapter and emitter, {@code channelPrefix} of the sharded one).
     * Glob characters would make the Node nodes' patterns match other channels, so they are refused.
     */
    public RedisAdapterOptions key(String value) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> "*?[]\\".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("key must be non-empty without * ? [ ] \\: " + value);
        }
        this.key = value;
        return this;
    }

    public long requestsTimeout() {
        return requestsTimeout;
    }

    /** How long fetchSockets, allRooms and serverSideEmit with acks wait for the other nodes, in ms. */
    public RedisAdapterOptions requestsTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("requestsTimeout must be positive, was " + millis);
        }
        this.requestsTimeout = millis;
        return this;
    }

    public boolean publishOnSpecificResponseChannel() {
        return publishOnSpecificResponseChannel;
    }

    /** Answers go to the requester's own channel instead of the common one (Node's option of the same name). */
    public RedisAdapterOptions publishOnSpecificResponseChannel(boolean value) {
        this.publishOnSpecificResponseChannel = value;
        return this;
    }

    public boolean sharded() {
        return sharded;
    }

    /** SSUBSCRIBE/SPUBLISH, the protocol of Node's {@code createShardedAdapter} (dynamic mode); not the emitter's. */
    public RedisAdapterOptions sharded(boolean value) {
        this.sharded = value;
        return this;
    }

    /** How the sharded adapter spreads single-room broadcasts over channels; Node's option of the same name. */
    public enum SubscriptionMode {
        /** Only the namespace's channel. */
        STATIC,
        /** A channel per room, except rooms that look like socket ids (20 characters). Node's default. */
        DYNAMIC,
        /** A channel per room, socket ids included. */
        DYNAMIC_PRIVATE
    }

    public SubscriptionMode subscriptionMode() {
        return subscriptionMode;
    }

    /** Only for the sharded adapter; every node of the cluster must use the same mode. */
    public RedisAdapterOptions subscriptionMode(SubscriptionMode value) {
        this.subscriptionMode = value;
        return this;
    }

    public String clientName() {
        return clientName;
    }

    /** The CLIENT SETNAME of both connections, with "-sub" and "-pub" appended; shows in CLIENT LIST. */
    public RedisAdapterOptions clientName(String value) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("a client name is printable ASCII without spaces: " + value);
        }
        this.clientName = value;
        return this;
    }
}
