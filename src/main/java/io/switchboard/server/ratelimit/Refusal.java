package io.switchboard.server.ratelimit;

import java.util.List;

/** The reason codes of the rate limits' refusals, as counted in {@code switchboard_rate_limit_refusals_total}. */
public final class Refusal {
    /** An event over its connection's budget (also counted by event name in switchboard_rate_limited_total). */
    public static final String EVENT_RATE = "event_rate";
    /** An event over its user's budget, over all the user's connections. */
    public static final String USER_EVENT_RATE = "user_event_rate";
    /** A connection cut off at maxViolations. */
    public static final String VIOLATIONS = "violations";
    /** A CONNECT over its connection's budget. */
    public static final String CONNECT_RATE = "connect_rate";
    /** A CONNECT over its address's budget. */
    public static final String CONNECT_RATE_ADDRESS = "connect_rate_address";
    /** A CONNECT refused unverified: its connection failed to authenticate too often. */
    public static final String AUTH_FAILURES = "auth_failures";
    /** A CONNECT refused unverified: its address failed to authenticate too often. */
    public static final String AUTH_FAILURES_ADDRESS = "auth_failures_address";
    /** A handshake from an address in its cooldown. */
    public static final String COOLDOWN_ADDRESS = "cooldown_address";
    /** A CONNECT of a user in their cooldown. */
    public static final String COOLDOWN_USER = "cooldown_user";

    public static final List<String> ALL = List.of(EVENT_RATE, USER_EVENT_RATE, VIOLATIONS, CONNECT_RATE,
            CONNECT_RATE_ADDRESS, AUTH_FAILURES, AUTH_FAILURES_ADDRESS, COOLDOWN_ADDRESS, COOLDOWN_USER);

    /** The {@code data.code} of a CONNECT_ERROR for a CONNECT over a budget. */
    public static final String CODE_RATE_LIMITED = "rate_limited";
    /** The {@code data.code} of a CONNECT_ERROR for a CONNECT in a cooldown. */
    public static final String CODE_COOLDOWN = "cooldown";

    private Refusal() {
    }
}
