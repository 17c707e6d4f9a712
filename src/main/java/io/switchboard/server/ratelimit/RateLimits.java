package io.switchboard.server.ratelimit;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.switchboard.core.Middleware;
import io.switchboard.core.Socket;
import io.switchboard.engine.AllowRequest;
import io.switchboard.engine.EngineObserver;
import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.Identity;

/**
 * Every rate limit of the packaged server, over one set of budgets: per connection (Engine.IO session, whatever
 * namespaces it opens), per user (the token's subject, over all their connections) and per client address. Gives
 * the pieces the server installs: {@link #eventLimiter()} on each namespace, {@link #guard} around the
 * authentication middleware, {@link #door} at the handshake and {@link #observing} on the engine.
 */
public final class RateLimits {
    private final RateLimitSettings settings;
    private final ClaimNames claims;
    private final LongSupplier clock;
    private final Consumer<String> onLimitedEvent;
    private final Consumer<String> onRefusal;
    final Connections connections;
    final KeyedBuckets users;
    final KeyedBuckets addressConnects;
    final KeyedBuckets addressAuthFailures;
    final Cooldowns cooldowns;

    /**
     * @param onLimitedEvent told the name of each event dropped over a limit
     * @param onRefusal      told the {@link Refusal} code of each refusal
     */
    public RateLimits(RateLimitSettings settings, ClaimNames claims, Consumer<String> onLimitedEvent,
                      Consumer<String> onRefusal) {
        this(settings, claims, System::nanoTime, onLimitedEvent, onRefusal);
    }

    RateLimits(RateLimitSettings settings, ClaimNames claims, LongSupplier clock, Consumer<String> onLimitedEvent,
               Consumer<String> onRefusal) {
        this.settings = settings;
        this.claims = claims;
        this.clock = clock;
        this.onLimitedEvent = onLimitedEvent;
        this.onRefusal = onRefusal;
        boolean on = settings.enabled();
        this.connections = new Connections(settings);
        this.users = on && settings.userEvents() != null ? new KeyedBuckets(settings.userEvents(), clock) : null;
        this.addressConnects = on && settings.connectsPerAddress() != null
                ? new KeyedBuckets(settings.connectsPerAddress(), clock) : null;
        this.addressAuthFailures = on && settings.authFailuresPerAddress() != null
                ? new KeyedBuckets(settings.authFailuresPerAddress(), clock) : null;
        this.cooldowns = new Cooldowns(on && settings.maxViolations() > 0 ? settings.cooldownMillis() : 0, clock);
    }

    public RateLimitSettings settings() {
        return settings;
    }

    /** The per-namespace connection handler that limits a socket's events (on its connection's budget). */
    public EventRateLimiter eventLimiter() {
        return new EventRateLimiter(this);
    }

    /** The authentication middleware behind the CONNECT budgets and the cooldown (see {@link ConnectGuard}). */
    public Middleware guard(Middleware authentication) {
        return settings.enabled() ? new ConnectGuard(this, authentication) : authentication;
    }

    /**
     * The handshake check: an address in its cooldown is refused (HTTP 403 {code: 4, message}), else
     * {@code next} decides (null: allowed).
     */
    public AllowRequest door(AllowRequest next) {
        if (!cooldowns.enabled()) {
            return next;
        }
        return request -> {
            var remote = request.remoteAddress();
            String address = remote == null || remote.getAddress() == null ? null
                    : remote.getAddress().getHostAddress();
            long wait = cooldowns.remaining(addressKey(address));
            if (wait > 0) {
                refused(Refusal.COOLDOWN_ADDRESS);
                return java.util.concurrent.CompletableFuture.completedFuture(COOLDOWN_MESSAGE);
            }
            return next == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : next.check(request);
        };
    }

    /** Connections, users and addresses with budgets in memory now (each shrinks back once they go quiet). */
    public int tracked(String kind) {
        return switch (kind) {
            case "connections" -> connections.size();
            case "users" -> users == null ? 0 : users.size();
            case "addresses" -> (addressConnects == null ? 0 : addressConnects.size())
                    + (addressAuthFailures == null ? 0 : addressAuthFailures.size());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Wraps the engine observer: a connection's budgets go with its session. */
    public EngineObserver observing(EngineObserver next) {
        return connections.observing(next);
    }

    /** The message of a handshake refused during a cooldown (HTTP 403 {code: 4, message}). */
    public static final String COOLDOWN_MESSAGE = "Rate limit cooldown after repeated violations";

    /** Whole seconds to wait, at least 1. */
    static long seconds(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
    }

    /** Seconds to wait with millisecond precision, at least 1 ms, as the rate-limit notices give it. */
    static double retryAfter(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)) / 1000.0;
    }

    long now() {
        return clock.getAsLong();
    }

    void refused(String reason) {
        onRefusal.accept(reason);
    }

    void limitedEvent(String name) {
        onLimitedEvent.accept(name);
    }

    /** A connection was cut off for violations: its address and its user wait out the cooldown. */
    void cutOff(String address, String userId) {
        refused(Refusal.VIOLATIONS);
        cooldowns.start(addressKey(address));
        cooldowns.start(userKey(userId));
    }

    static String addressKey(String address) {
        return address == null || address.isEmpty() ? null : "a:" + address;
    }

    static String userKey(String userId) {
        return userId == null ? null : "u:" + userId;
    }

    /** The user id of an authenticated socket, or null. */
    @SuppressWarnings("unchecked")
    String userId(Socket socket) {
        Object data = socket.data(Identity.DATA_KEY);
        if (!(data instanceof Map<?, ?> map)) {
            return null;
        }
        var ids = Identity.values((Map<String, Object>) map, claims.userId());
        return ids.isEmpty() ? null : ids.get(0);
    }
}
