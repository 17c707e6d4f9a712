package io.switchboard.server.adminui;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** Sessions of one node, when there is no Redis to share them: each expires after the session duration. */
public final class InMemoryAdminUiSessions implements AdminUiSessions {
    /** Logins are rare: past this many live sessions the expired ones are swept on the next save. */
    private static final int SWEEP_ABOVE = 1_000;

    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final long durationMillis;
    private final LongSupplier clock;

    public InMemoryAdminUiSessions(long durationSeconds, LongSupplier clock) {
        this.durationMillis = durationSeconds * 1000;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Boolean> exists(String sessionId) {
        Long expiry = expiries.get(sessionId);
        boolean live = expiry != null && expiry > clock.getAsLong();
        if (expiry != null && !live) {
            expiries.remove(sessionId, expiry);
        }
        return CompletableFuture.completedFuture(live);
    }

    @Override
    public CompletableFuture<Void> save(String sessionId) {
        long now = clock.getAsLong();
        if (expiries.size() > SWEEP_ABOVE) {
            expiries.values().removeIf(expiry -> expiry <= now);
        }
        expiries.put(sessionId, now + durationMillis);
        return CompletableFuture.completedFuture(null);
    }
}
