package io.switchboard.server.rooms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.RoomRuleSpec;

/**
 * Which rooms a user may join: the first rule whose pattern matches the room name (and, when it lists roles, whose
 * roles the user has at least one of) lets them in; no rule, no entry. In a pattern, {@code *} is any run of
 * characters and {@code {claim}} is the value of that claim of the user's token, taken literally and escaped as
 * {@link RoomNames} escapes it, so that it matches exactly itself whatever characters it holds (a list claim
 * matches any of its values; a missing claim matches nothing). {@code {userId}} and {@code {orgId}} name the
 * configured user id and organisation claims whatever those are called.
 */
public final class RoomPolicy {
    private final List<RoomRuleSpec> rules;

    public RoomPolicy(List<RoomRuleSpec> rules) {
        this.rules = List.copyOf(rules);
    }

    public boolean allows(String room, Identity identity) {
        for (RoomRuleSpec rule : rules) {
            if (!rule.roles().isEmpty() && Collections.disjoint(rule.roles(), identity.roles())) {
                continue;
            }
            Pattern pattern = compile(rule.pattern(), identity);
            if (pattern != null && pattern.matcher(room).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The rule as a regex for this user, or null when a placeholder has no value. */
    private Pattern compile(String pattern, Identity identity) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '{') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (c == '*') {
                    regex.append(".*");
                } else {
                    int close = pattern.indexOf('}', i);
                    List<String> values = placeholder(pattern.substring(i + 1, close), identity);
                    if (values.isEmpty()) {
                        return null;
                    }
                    List<String> quoted = new ArrayList<>(values.size());
                    values.forEach(value -> quoted.add(Pattern.quote(RoomNames.escape(value))));
                    regex.append("(?:").append(String.join("|", quoted)).append(')');
                    i = close;
                }
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private List<String> placeholder(String name, Identity identity) {
        return switch (name) {
            case "userId" -> identity.userId() == null ? List.of() : List.of(identity.userId());
            case "orgId" -> identity.orgs();
            default -> identity.claimValues(name);
        };
    }
}
