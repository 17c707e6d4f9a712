package io.switchboard.server.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.switchboard.engine.AllowRequest;
import io.switchboard.engine.ConnectionGate;
import io.switchboard.engine.EngineError;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.ForwardingEngineObserver;
import io.switchboard.engine.HandshakeRequest;

/**
 * Limits at the door, per client address: open TCP connections and open Engine.IO sessions (each at most
 * {@code maxOpen}), and new sessions per second. A connection over the limit is closed as soon as it is accepted
 * ({@link ConnectionGate}, counted as {@link #ADDRESS_LIMIT}); a refused handshake gets the reference HTTP 403
 * {"code":4,"message":...} (through {@link AllowRequest}). Both counts are taken in the same step as their check, so
 * concurrent handshakes cannot overshoot: a session's place is reserved when its handshake is allowed and given back
 * when the session closes or the handshake ends without one (the engine observer this wraps, {@link #observing}).
 * Sessions count apart from connections because one keep-alive connection can open many polling sessions. Work
 * happens once per connection and handshake, never per packet; each address has its own small lock.
 */
public final class AddressLimiter implements AllowRequest, ConnectionGate {
    /** The reason code of a TCP connection refused at accept. */
    public static final String ADDRESS_LIMIT = "address_limit";
    public static final String TOO_MANY_CONNECTIONS = "Too many connections from this address";
    public static final String TOO_MANY_NEW_CONNECTIONS = "Too many new connections from this address";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SWEEP_EVERY_NANOS = 60 * NANOS_PER_SECOND;
    private static final CompletableFuture<String> ALLOWED = CompletableFuture.completedFuture(null);

    private final int maxOpen;
    private final int perSecond;
    private final LongSupplier clock;
    private final ConcurrentHashMap<InetAddress, Entry> addresses = new ConcurrentHashMap<>();
    /** Handshakes holding a session place, by identity: released once, whichever way they end. */
    private final Set<HandshakeRequest> reserved = ConcurrentHashMap.newKeySet();
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

    /** Open (or reserved) sessions of an address as counted here (for tests and diagnostics). */
    public int open(InetAddress address) {
        Entry entry = addresses.get(address);
        return entry == null ? 0 : entry.open;
    }

    /** Open TCP connections of an address as counted here (for tests and diagnostics). */
    public int connections(InetAddress address) {
        Entry entry = addresses.get(address);
        return entry == null ? 0 : entry.connections;
    }

    @Override
    public String acquire(InetSocketAddress remote) {
        InetAddress address = address(remote);
        if (address == null || maxOpen <= 0) {
            return null;
        }
        long now = clock.getAsLong();
        sweep(now);
        while (true) {
            Entry entry = addresses.computeIfAbsent(address, a -> new Entry(now));
            synchronized (entry) {
                if (entry.removed) {
                    continue;
                }
                if (entry.connections >= maxOpen) {
                    return ADDRESS_LIMIT;
                }
                entry.connections++;
                return null;
            }
        }
    }

    @Override
    public void release(InetSocketAddress remote) {
        InetAddress address = address(remote);
        if (address == null || maxOpen <= 0) {
            return;
        }
        Entry entry = addresses.get(address);
        if (entry != null) {
            synchronized (entry) {
                entry.connections = Math.max(0, entry.connections - 1);
            }
        }
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
                if (maxOpen > 0) {
                    // counted now, not when the session opens: concurrent handshakes see each other
                    entry.open++;
                    reserved.add(request);
                }
                return ALLOWED;
            }
        }
    }

    /** An observer that gives back the session places of closed sessions and failed handshakes, then tells {@code next}. */
    public EngineObserver observing(EngineObserver next) {
        return new ForwardingEngineObserver(next) {
            @Override
            public void sessionClosed(EngineSession session, String reason) {
                releaseSession(session.request());
                next.sessionClosed(session, reason);
            }

            @Override
            public void refused(EngineError error, HandshakeRequest request) {
                if (request != null) {
                    releaseSession(request);   // allowed here, refused further on: it opens no session
                }
                next.refused(error, request);
            }
        };
    }

    private void releaseSession(HandshakeRequest request) {
        if (!reserved.remove(request)) {
            return;
        }
        InetAddress address = address(request.remoteAddress());
        Entry entry = address == null ? null : addresses.get(address);
        if (entry != null) {
            synchronized (entry) {
                entry.open = Math.max(0, entry.open - 1);
            }
        }
    }

    /** Forgets, about once a minute, the addresses with no open session or connection and a full bucket. */
    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_NANOS) {
            return;
        }
        lastSweep = now;
        addresses.forEach((address, entry) -> {
            synchronized (entry) {
                entry.refill(now);
                if (entry.open == 0 && entry.connections == 0 && (perSecond == 0 || entry.tokens >= capacity())) {
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

    /**
     * One address: open sessions, open TCP connections and its new-connection bucket (tokens in nanos; a token is a
     * second's worth).
     */
    private final class Entry {
        int open;
        int connections;
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
