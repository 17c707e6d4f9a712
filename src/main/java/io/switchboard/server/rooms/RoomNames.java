package io.switchboard.server.rooms;

/**
 * Room names built from token claims. A claim value goes into a room name escaped ({@code %} as {@code %25},
 * {@code :} as {@code %3A}), so that whatever characters it holds it stays one segment: org {@code acme:eu} has
 * the room {@code org:acme%3Aeu}, which no pattern {@code org:{orgId}:*} of org {@code acme} can reach, and a member
 * of {@code acme:eu} cannot reach {@code org:acme:eu:x}, a room of org {@code acme}. Values without those two
 * characters are unchanged.
 */
public final class RoomNames {
    private RoomNames() {
    }

    /** The room of every socket of a user. */
    public static String user(String userId) {
        return "user:" + escape(userId);
    }

    /** The room of every socket of a member of an org. */
    public static String org(String org) {
        return "org:" + escape(org);
    }

    /** A claim value as one segment of a room name. */
    public static String escape(String value) {
        if (value.indexOf('%') < 0 && value.indexOf(':') < 0) {
            return value;
        }
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> escaped.append("%25");
                case ':' -> escaped.append("%3A");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
