package io.switchboard.server.ratelimit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.switchboard.core.Event;
import io.switchboard.core.PacketMiddleware;
import io.switchboard.core.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-socket rate limits on incoming events, as a connection handler that gives each socket its own
 * {@link PacketMiddleware}. An event over the limit is dropped before any handler runs: the client gets
 * {@code rate-limit} {event, retryAfter} (seconds) and, when it asked for an ack, the ack
 * {error: "rate limited", retryAfter}. After {@code maxViolations} drops within the window, the socket is
 * disconnected.
 *
 * <p>A socket's buckets live on its event loop (the middleware runs there): plain fields, nanoTime arithmetic, no
 * lock shared between loops, and no allocation for an event within the limits.
 */
public final class EventRateLimiter implements Consumer<Socket> {
    private static final Logger log = LoggerFactory.getLogger(EventRateLimiter.class);
    /** The event a limited client is told with. */
    public static final String EVENT = "rate-limit";

    private final RateLimitSettings settings;
    private final LongSupplier clock;
    /** Told the name of each event dropped over the limit (the metrics count them). */
    private final Consumer<String> onLimited;

    public EventRateLimiter(RateLimitSettings settings, Consumer<String> onLimited) {
        this(settings, System::nanoTime, onLimited);
    }

    public EventRateLimiter(RateLimitSettings settings) {
        this(settings, System::nanoTime, event -> { });
    }

    EventRateLimiter(RateLimitSettings settings, LongSupplier clock) {
        this(settings, clock, event -> { });
    }

    EventRateLimiter(RateLimitSettings settings, LongSupplier clock, Consumer<String> onLimited) {
        this.settings = settings;
        this.clock = clock;
        this.onLimited = onLimited;
    }

    @Override
    public void accept(Socket socket) {
        if (settings.enabled()) {
            socket.use(new SocketLimiter(socket));
        }
    }

    /** The buckets of one socket; used only on that socket's loop. */
    private final class SocketLimiter implements PacketMiddleware {
        private final Socket socket;
        private final TokenBucket all;
        private Map<String, TokenBucket> perEvent;   // created on the first event with its own limit
        private int violations;
        private long windowStart;
        private boolean closing;

        SocketLimiter(Socket socket) {
            this.socket = socket;
            this.all = new TokenBucket(settings.defaults().perSecond(), settings.defaults().burst(),
                    clock.getAsLong());
        }

        @Override
        public void handle(Event event, Consumer<Exception> next) {
            String name = event.name();
            if (settings.exempt().contains(name)) {
                next.accept(null);
                return;
            }
            long now = clock.getAsLong();
            TokenBucket bucket = bucket(name, now);
            if (bucket.tryTake(now)) {
                next.accept(null);
                return;
            }
            // dropped: next is never called, so no handler sees the event
            refuse(event, name, bucket.nanosUntilToken(now), now);
        }

        private TokenBucket bucket(String name, long now) {
            if (settings.events().isEmpty()) {
                return all;
            }
            RateLimitSettings.Limit limit = settings.events().get(name);
            if (limit == null) {
                return all;
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

        private void refuse(Event event, String name, long waitNanos, long now) {
            if (closing) {
                return;
            }
            onLimited.accept(name);
            double retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)) / 1000.0;
            if (event.wantsAck()) {
                event.ack(Map.of("error", "rate limited", "retryAfter", retryAfter));
            }
            socket.emit(EVENT, Map.of("event", name, "retryAfter", retryAfter));
            if (settings.maxViolations() <= 0) {
                return;
            }
            long window = TimeUnit.MILLISECONDS.toNanos(settings.violationWindowMillis());
            if (violations == 0 || now - windowStart > window) {
                violations = 0;
                windowStart = now;
            }
            violations++;
            if (violations >= settings.maxViolations()) {
                closing = true;
                log.info("socket {} disconnected: {} events over the rate limit within {} ms", socket.id(),
                        violations, settings.violationWindowMillis());
                socket.disconnect(true);
            }
        }
    }
}
