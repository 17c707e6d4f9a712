package io.switchboard.server.ratelimit;

import java.util.Map;
import java.util.function.Consumer;

import io.switchboard.core.Event;
import io.switchboard.core.PacketMiddleware;
import io.switchboard.core.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits on incoming events, as a connection handler that gives each socket one shared {@link PacketMiddleware}
 * drawing on its connection's budget (one per Engine.IO session, whatever namespaces it opens and closes) and on its user's
 * (over all their connections). An event over a limit is dropped before any handler runs: the client gets
 * {@code rate-limit} {event, retryAfter} (seconds) and, when it asked for an ack, the ack
 * {error: "rate limited", retryAfter}. After {@code maxViolations} drops within the window, the whole connection is
 * closed and its address and user wait out {@code rateLimit.cooldown} before they may connect again.
 *
 * <p>The connection's buckets live on its event loop (the middleware runs there): plain fields, nanoTime arithmetic;
 * the user's bucket has its own small lock. No allocation for an event within the limits.
 */
public final class EventRateLimiter implements Consumer<Socket> {
    private static final Logger log = LoggerFactory.getLogger(EventRateLimiter.class);
    /** The event a limited client is told with. */
    public static final String EVENT = "rate-limit";

    private final RateLimits limits;
    private final RateLimitSettings settings;

    EventRateLimiter(RateLimits limits) {
        this.limits = limits;
        this.settings = limits.settings();
    }

    /** One for every socket: it finds the socket, its connection's budget and its user in the event. */
    private final PacketMiddleware limiter = this::handle;

    @Override
    public void accept(Socket socket) {
        if (settings.enabled()) {
            socket.use(limiter);
        }
    }

    /** Draws one socket's event from its connection's and user's budgets; on the socket's loop. */
    private void handle(Event event, Consumer<Exception> next) {
        String name = event.name();
        if (settings.exempt().contains(name)) {
            next.accept(null);
            return;
        }
        Socket socket = event.socket();
        Connections.Budget budget = limits.connections.existing(socket.connectionId());
        if (budget == null) {
            if (!socket.connected()) {
                return; // the connection has closed: no handler is owed the event, and no budget is made for it
            }
            // a namespace whose CONNECT passed no guard (the admin namespace's own key check): made at its first event
            budget = limits.connections.of(socket.connectionId());
        }
        long now = limits.now();
        TokenBucket bucket = budget.events(name, now);
        if (!bucket.tryTake(now)) {
            // dropped: next is never called, so no handler sees the event
            refuse(socket, budget, event, name, bucket.nanosUntilToken(now), now, Refusal.EVENT_RATE);
            return;
        }
        if (limits.users != null) {
            String userId = limits.userId(socket);
            long wait = userId == null ? 0 : limits.users.take(userId);
            if (wait > 0) {
                refuse(socket, budget, event, name, wait, now, Refusal.USER_EVENT_RATE);
                return;
            }
        }
        next.accept(null);
    }

    private void refuse(Socket socket, Connections.Budget budget, Event event, String name, long waitNanos, long now,
                        String reason) {
        if (budget.closing) {
            return;
        }
        limits.limitedEvent(name);
        limits.refused(reason);
        double retryAfter = RateLimits.retryAfter(waitNanos);
        if (event.wantsAck()) {
            event.ack(Map.of("error", "rate limited", "retryAfter", retryAfter));
        }
        socket.emit(EVENT, Map.of("event", name, "retryAfter", retryAfter));
        if (settings.maxViolations() <= 0) {
            return;
        }
        long window = settings.violationWindowMillis() * 1_000_000L;
        if (budget.violations == 0 || now - budget.windowStart > window) {
            budget.violations = 0;
            budget.windowStart = now;
        }
        budget.violations++;
        if (budget.violations >= settings.maxViolations()) {
            budget.closing = true;
            String userId = limits.userId(socket);
            log.info("connection of socket {} (user {}, {}) closed: {} events over the rate limit within {} ms",
                    socket.id(), userId, socket.handshake().address(), budget.violations,
                    settings.violationWindowMillis());
            limits.cutOff(socket.handshake().address(), userId);
            socket.disconnect(true);
        }
    }
}
