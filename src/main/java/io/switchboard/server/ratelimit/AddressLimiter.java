package io.switchboard.server.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.switchboard.engine.AllowRequest;
import io.switchboard.engine.EngineError;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.HandshakeRequest;

/**
 * Limits at the door, per client address: open connections (Engine.IO sessions) and new connections per second. A
 * refused handshake gets the reference HTTP 403 {"code":4,"message":...} (through {@link AllowRequest}). Open
 * sessions are counted by the engine observer this wraps around another ({@link #observing}). Work happens once per
 * handshake, never per packet; each address has its own small lock.
 */
public final class AddressLimiter implements AllowRequest {
    public static final String TOO_MANY_CONNECTIONS = "Too many connections from this address";
    public static final String TOO_MANY_NEW_CONNECTIONS = "Too many new connections from this address";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SWEEP_EVERY_NANOS = 60 * NANOS_PER_SECOND;
    private static final CompletableFuture<String> ALLOWED = CompletableFuture.completedFuture(null);

    private final int maxOpen;
    private final int perSecond;
    private final LongSupplier clock;
    private final ConcurrentHashMap<InetAddress, Entry> addresses = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    public AddressLimiter(int maxOpen, int perSecond) {
        this(maxOpen, perSecond, System::nanoTime);
    }

    AddressLimiter(int maxOpen, int perSecond, LongSupplier clock) {
        this.maxOpen = maxOpen;
        this.perSecond = perSecond;
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    public static AddressLimiter from(RateLimitSettings settings) {
        return new AddressLimiter(settings.maxConnectionsPerAddress(), settings.connectionsPerSecondPerAddress());
    }

    /** Whether any limit is configured. */
    public boolean active() {
        return maxOpen > 0 || perSecond > 0;
    }

    /** Open sessions of an address as counted here (for tests and diagnostics). */
    public int open(InetAddress address) {
        Entry entry = addresses.get(address);
        return entry == null ? 0 : entry.open;
    }

    @Override
    public CompletionStage<String> check(HandshakeRequest request) {
        InetAddress address = address(request.remoteAddress());
        if (address == null || !active()) {
            return ALLOWED;
        }
        long now = clock.getAsLong();
        sweep(now);
        while (true) {
            Entry entry = addresses.computeIfAbsent(address, a -> new Entry(now));
            synchronized (entry) {
                if (entry.removed) {
                    continue;
                }
                if (maxOpen > 0 && entry.open >= maxOpen) {
                    return CompletableFuture.completedFuture(TOO_MANY_CONNECTIONS);
                }
                if (perSecond > 0) {
                    entry.refill(now);
                    if (entry.tokens < NANOS_PER_SECOND) {
                        return CompletableFuture.completedFuture(TOO_MANY_NEW_CONNECTIONS);
                    }
                    entry.tokens -= NANOS_PER_SECOND;
                }
                return ALLOWED;
            }
        }
    }

    /** An observer that counts open sessions per address and then tells {@code next}. */
    public EngineObserver observing(EngineObserver next) {
        return new EngineObserver() {
            @Override
            public void sessionOpened(EngineSession session) {
                opened(session.request().remoteAddress(), 1);
                next.sessionOpened(session);
            }

            @Override
            public void sessionClosed(EngineSession session, String reason) {
                opened(session.request().remoteAddress(), -1);
                next.sessionClosed(session, reason);
            }

            @Override
            public void upgraded(EngineSession session) {
                next.upgraded(session);
            }

            @Override
            public void slowConsumer(EngineSession session) {
                next.slowConsumer(session);
            }

            @Override
            public void refused(EngineError error, HandshakeRequest request) {
                next.refused(error, request);
            }
        };
    }

    private void opened(InetSocketAddress remote, int delta) {
        InetAddress address = address(remote);
        if (address == null || !active()) {
            return;
        }
        long now = clock.getAsLong();
        while (true) {
            Entry entry = addresses.computeIfAbsent(address, a -> new Entry(now));
            synchronized (entry) {
                if (entry.removed) {
                    continue;
                }
                entry.open = Math.max(0, entry.open + delta);
                return;
            }
        }
    }

    /** Forgets, about once a minute, the addresses with no open session and a full bucket. */
    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_NANOS) {
            return;
        }
        lastSweep = now;
        addresses.forEach((address, entry) -> {
            synchronized (entry) {
                entry.refill(now);
                if (entry.open == 0 && (perSecond == 0 || entry.tokens >= capacity())) {
                    entry.removed = true;
                    addresses.remove(address, entry);
                }
            }
        });
    }

    private long capacity() {
        return (long) perSecond * NANOS_PER_SECOND;
    }

    private static InetAddress address(InetSocketAddress remote) {
        return remote == null ? null : remote.getAddress();
    }

    /** One address: open sessions and its new-connection bucket (tokens in nanos; a token is a second's worth). */
    private final class Entry {
        int open;
        long tokens;
        long last;
        boolean removed;

        Entry(long now) {
            this.tokens = capacity();
            this.last = now;
        }

        void refill(long now) {
            long elapsed = now - last;
            if (elapsed > 0) {
                last = now;
                // perSecond tokens per second: elapsed * perSecond nanos-of-token, capped at the capacity
                long earned = elapsed >= NANOS_PER_SECOND ? capacity() : elapsed * perSecond;
                tokens = Math.min(capacity(), tokens + earned);
            }
        }
    }
}
