package io.switchboard.server.config;

import java.util.List;

/**
 * One room policy rule as configured: a room name pattern ({@code *} is any run of characters, {@code {claim}} the
 * value of a token claim) and, optionally, the roles of which the user needs at least one.
 */
public record RoomRuleSpec(String pattern, List<String> roles) {
    public RoomRuleSpec {
        roles = List.copyOf(roles);
    }

    public static RoomRuleSpec of(String pattern, String... roles) {
        return new RoomRuleSpec(pattern, List.of(roles));
    }

    /** Null when the pattern is well formed, otherwise what is wrong with it. */
    static String checkPattern(String pattern) {
        if (pattern.isBlank()) {
            return "pattern must not be empty";
        }
        int open = -1;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{') {
                if (open >= 0) {
                    return "pattern has a '{' inside a placeholder; placeholders look like {sub} or {orgId}";
                }
                open = i;
            } else if (c == '}') {
                if (open < 0) {
                    return "pattern has a '}' without '{'; placeholders look like {sub} or {orgId}";
                }
                if (i == open + 1) {
                    return "pattern has an empty placeholder {}; placeholders look like {sub} or {orgId}";
                }
                open = -1;
            }
        }
        return open >= 0 ? "pattern has an unclosed '{'; placeholders look like {sub} or {orgId}" : null;
    }
}
