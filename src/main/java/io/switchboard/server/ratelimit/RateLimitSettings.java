package io.switchboard.server.ratelimit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigKeys;

/**
 * The rate limits of the configuration (section {@code rateLimit}). Immutable: shared by every event loop. The event
 * budget ({@code defaults}, {@code events}) belongs to a connection, whatever namespaces it joins and leaves;
 * {@code userEvents} is one more budget per user over all their connections. A null {@link Limit} is off.
 */
public record RateLimitSettings(boolean enabled, Limit defaults, Map<String, Limit> events, Set<String> exempt,
                                int maxViolations, long violationWindowMillis, int maxConnectionsPerAddress,
                                int connectionsPerSecondPerAddress, Limit userEvents, Limit connects,
                                Limit connectsPerAddress, Limit authFailures, Limit authFailuresPerAddress,
                                long cooldownMillis) {
    private static final Pattern EVENT_LIMIT = Pattern.compile("\\s*(.+?)\\s*=\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");
    private static final Pattern LIMIT = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    /** A token bucket's refill rate (events per second) and size. */
    public record Limit(int perSecond, int burst) {
    }

    public RateLimitSettings {
        events = Map.copyOf(events);
        exempt = Set.copyOf(exempt);
    }

    public static RateLimitSettings from(Config config) {
        Map<String, Limit> events = new HashMap<>();
        for (String text : config.get(ConfigKeys.RATE_LIMIT_EVENTS)) {
            Map.Entry<String, Limit> parsed = parseEventLimit(text);
            if (parsed != null) {
                events.put(parsed.getKey(), parsed.getValue());
            }
        }
        return new RateLimitSettings(config.get(ConfigKeys.RATE_LIMIT_ENABLED),
                new Limit(config.get(ConfigKeys.RATE_LIMIT_EVENTS_PER_SECOND), config.get(ConfigKeys.RATE_LIMIT_BURST)),
                events, new HashSet<>(config.get(ConfigKeys.RATE_LIMIT_EXEMPT_EVENTS)),
                config.get(ConfigKeys.RATE_LIMIT_MAX_VIOLATIONS), config.get(ConfigKeys.RATE_LIMIT_VIOLATION_WINDOW),
                config.get(ConfigKeys.RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS),
                config.get(ConfigKeys.RATE_LIMIT_CONNECTIONS_PER_SECOND),
                parseLimit(config.get(ConfigKeys.RATE_LIMIT_USER_EVENTS)),
                parseLimit(config.get(ConfigKeys.RATE_LIMIT_CONNECTS)),
                parseLimit(config.get(ConfigKeys.RATE_LIMIT_CONNECTS_PER_ADDRESS)),
                parseLimit(config.get(ConfigKeys.RATE_LIMIT_AUTH_FAILURES)),
                parseLimit(config.get(ConfigKeys.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS)),
                config.get(ConfigKeys.RATE_LIMIT_COOLDOWN));
    }

    /** {@code EVENT=RATE/BURST}, e.g. {@code chat=5/10}; null when it is not of that form. */
    public static Map.Entry<String, Limit> parseEventLimit(String text) {
        Matcher matcher = EVENT_LIMIT.matcher(text);
        if (!matcher.matches()) {
            return null;
        }
        Limit limit = limit(matcher.group(2), matcher.group(3));
        return limit == null ? null : Map.entry(matcher.group(1), limit);
    }

    /** {@code RATE/BURST}, e.g. {@code 5/20}; null when it is not of that form (and for {@code off}). */
    public static Limit parseLimit(String text) {
        Matcher matcher = LIMIT.matcher(text);
        return matcher.matches() ? limit(matcher.group(1), matcher.group(2)) : null;
    }

    private static Limit limit(String rate, String burst) {
        int perSecond = Integer.parseInt(rate);
        int size = Integer.parseInt(burst);
        return perSecond < 1 || size < 1 ? null : new Limit(perSecond, size);
    }

    /** For tests and embedding: these event limits, no per-address, per-user or CONNECT limits. */
    public static RateLimitSettings of(int perSecond, int burst, Map<String, Limit> events, List<String> exempt,
                                       int maxViolations, long violationWindowMillis) {
        return new RateLimitSettings(true, new Limit(perSecond, burst), events, new HashSet<>(exempt), maxViolations,
                violationWindowMillis, 0, 0, null, null, null, null, null, 0);
    }
}
