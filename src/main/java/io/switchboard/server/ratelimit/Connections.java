package io.switchboard.server.ratelimit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.engine.EngineError;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.ForwardingEngineObserver;
import io.switchboard.engine.HandshakeRequest;

/**
 * The budgets of each connection (Engine.IO session), shared by its sockets in every namespace, so that leaving and
 * joining namespaces neither resets nor multiplies them. Made at the connection's first CONNECT or event, forgotten
 * when the session closes ({@link #observing}).
 */
final class Connections {
    private final RateLimitSettings settings;
    private final ConcurrentHashMap<String, Budget> bySession = new ConcurrentHashMap<>();

    Connections(RateLimitSettings settings) {
        this.settings = settings;
    }

    /** The budget of the connection with this Engine.IO session id. */
    Budget of(String sessionId) {
        Budget budget = bySession.get(sessionId);
        return budget != null ? budget : bySession.computeIfAbsent(sessionId, id -> new Budget());
    }

    /**
     * The budget of the connection, or null when none was made yet or its session closed: an event still in flight
     * then must not make a new one, which nothing would remove.
     */
    Budget existing(String sessionId) {
        return bySession.get(sessionId);
    }

    /** Connections with a budget (for tests). */
    int size() {
        return bySession.size();
    }

    /** An observer that forgets a connection's budget when its session closes, then tells {@code next}. */
    EngineObserver observing(EngineObserver next) {
        return new ForwardingEngineObserver(next) {
            @Override
            public void sessionClosed(EngineSession session, String reason) {
                bySession.remove(session.id());
                next.sessionClosed(session, reason);
            }
        };
    }

    /**
     * One connection's budgets. The event buckets and violations are used on the connection's event loop only (its
     * sockets all live there); the CONNECT and failed-authentication buckets under the budget's lock, since an
     * authentication may complete on another thread.
     */
    final class Budget {
        /*
         * The event and failed-authentication buckets are made when first drawn on: a bucket starts full, so one
         * made then is the one made at the connect would be by that time, and an idle connection (most of them)
         * carries neither.
         */
        private TokenBucket events;
        private Map<String, TokenBucket> perEvent;   // created on the first event with its own limit
        /*
         * The CONNECT bucket is made at the second CONNECT: a full bucket always has the first one's token, so
         * until then the time of that first CONNECT is all there is to keep (every connection makes one, few more).
         */
        private TokenBucket connects;
        private long firstConnectAt;
        private boolean connectedOnce;
        private TokenBucket authFailures;
        int violations;
        long windowStart;
        boolean closing;

        private Budget() {
        }

        private static TokenBucket bucket(RateLimitSettings.Limit limit, long now) {
            return limit == null ? null : new TokenBucket(limit.perSecond(), limit.burst(), now);
        }

        /** The bucket an event draws on: its own when it has a limit, else the connection's. Loop only. */
        TokenBucket events(String name, long now) {
            RateLimitSettings.Limit limit = settings.events().isEmpty() ? null : settings.events().get(name);
            if (limit == null) {
                if (events == null) {
                    events = new TokenBucket(settings.defaults().perSecond(), settings.defaults().burst(), now);
                }
                return events;
            }
            if (perEvent == null) {
                perEvent = new HashMap<>();
            }
            TokenBucket bucket = perEvent.get(name);
            if (bucket == null) {
                bucket = new TokenBucket(limit.perSecond(), limit.burst(), now);
                perEvent.put(name, bucket);
            }
            return bucket;
        }

        /** Takes a CONNECT token: 0 when there was one, else the nanoseconds until there is. */
        synchronized long takeConnect(long now) {
            RateLimitSettings.Limit limit = settings.connects();
            if (connects == null && limit != null && !connectedOnce && limit.burst() >= 1) {
                connectedOnce = true;
                firstConnectAt = now;
                return 0;
            }
            if (connects == null && limit != null) {
                // the bucket as it would be had it been made full and drawn on at the first CONNECT
                connects = bucket(limit, connectedOnce ? firstConnectAt : now);
                if (connectedOnce) {
                    connects.tryTake(firstConnectAt);
                }
            }
            return take(connects, now);
        }

        /** The nanoseconds until this connection may fail an authentication again (0: it may now). */
        synchronized long authFailureWait(long now) {
            return authFailures == null ? 0 : authFailures.nanosUntilToken(now);
        }

        synchronized void authFailed(long now) {
            if (authFailures == null) {
                authFailures = bucket(settings.authFailures(), now);
            }
            take(authFailures, now);
        }

        private static long take(TokenBucket bucket, long now) {
            return bucket == null || bucket.tryTake(now) ? 0 : Math.max(1, bucket.nanosUntilToken(now));
        }
    }
}
