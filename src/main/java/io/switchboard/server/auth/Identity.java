package io.switchboard.server.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.switchboard.server.rooms.RoomNames;

/**
 * Who a socket belongs to, read from its token's claims with the configured claim names; a socket of a namespace
 * exempt from authentication is anonymous (no user id, no claims).
 */
public record Identity(String userId, String name, List<String> orgs, Set<String> roles, Map<String, Object> claims) {
    /** One for every anonymous socket: it is immutable, and idle sockets hold theirs. */
    private static final Identity ANONYMOUS = new Identity(null, null, List.of(), Set.of(), Map.of());

    /** The key of the claims in {@code socket.data()}. */
    public static final String DATA_KEY = "user";
    /** Compiled once: the room and presence handlers read a socket's identity at each of its events. */
    private static final Pattern ROLE_SEPARATORS = Pattern.compile("[\\s,]+");

    public static Identity anonymous() {
        return ANONYMOUS;
    }

    public static Identity of(Map<String, Object> claims, ClaimNames names) {
        List<String> ids = values(claims, names.userId());
        List<String> displayNames = values(claims, names.name());
        Set<String> roles = new LinkedHashSet<>();
        for (String role : values(claims, names.roles())) {
            for (String part : ROLE_SEPARATORS.split(role)) {
                if (!part.isEmpty()) {
                    roles.add(part);
                }
            }
        }
        return new Identity(ids.isEmpty() ? null : ids.get(0), displayNames.isEmpty() ? null : displayNames.get(0),
                values(claims, names.org()), Set.copyOf(roles), claims);
    }

    /** A member of an org with no user id: what an API key scoped to that org may see as. */
    public static Identity member(String org) {
        return new Identity(null, null, List.of(org), Set.of(), Map.of());
    }

    public boolean anonymousUser() {
        return userId == null;
    }

    /**
     * The rooms a user's sockets are always in: {@code user:<id>} and {@code org:<org>} for each org, the values
     * escaped ({@link RoomNames}).
     */
    public List<String> autoRooms() {
        if (anonymousUser()) {
            return List.of();
        }
        List<String> rooms = new ArrayList<>(1 + orgs.size());
        rooms.add(RoomNames.user(userId));
        for (String org : orgs) {
            rooms.add(RoomNames.org(org));
        }
        return rooms;
    }

    /**
     * The values of a claim as strings: a string or number gives one, a list gives its scalar items, anything else
     * none. A name not found as such is tried as a dotted path into nested objects ({@code realm_access.roles}).
     */
    @SuppressWarnings("unchecked")
    public static List<String> values(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value == null && name.indexOf('.') > 0) {
            Object current = claims;
            for (String part : name.split("\\.")) {
                current = current instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(part) : null;
            }
            value = current;
        }
        List<String> result = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                addScalar(result, item);
            }
        } else {
            addScalar(result, value);
        }
        return result;
    }

    private static void addScalar(List<String> into, Object value) {
        if (value instanceof String text) {
            if (!text.isEmpty()) {
                into.add(text);
            }
        } else if (value instanceof Number || value instanceof Boolean) {
            into.add(String.valueOf(value));
        }
    }

    public List<String> claimValues(String name) {
        return values(claims, name);
    }
}
