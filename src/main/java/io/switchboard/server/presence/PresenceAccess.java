package io.switchboard.server.presence;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.switchboard.server.auth.Identity;
import io.switchboard.server.rooms.RoomPolicy;

/**
 * What a presence query may learn: about a room only when the asker may join it (the room policy) or is in it of
 * right (their user and org rooms); about a user only when the asker may see them: sharing an org with them
 * ({@link Visibility#ORG}, the default) or anyone ({@link Visibility#ALL}). A user the asker may not see is answered
 * as unknown (offline, no last-seen), indistinguishable from one never seen, so a refusal tells nothing.
 */
public final class PresenceAccess {
    /** Whose presence a query answers. */
    public enum Visibility {
        ORG, ALL;

        public static Visibility of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** Everything visible: for embedding and for trusted callers. */
    public static final PresenceAccess OPEN = new PresenceAccess(null, Visibility.ALL);

    private final RoomPolicy policy;
    private final Visibility visibility;

    /** @param policy the room policy; null lets any room be asked about */
    public PresenceAccess(RoomPolicy policy, Visibility visibility) {
        this.policy = policy;
        this.visibility = visibility;
    }

    public boolean mayAskAboutRoom(Identity asker, String room) {
        return policy == null || asker.autoRooms().contains(room) || policy.allows(room, asker);
    }

    /** Whether the asker may see a user of these orgs (empty: not known, which only {@code ALL} shows). */
    public boolean maySee(Identity asker, String userId, List<String> orgs) {
        if (visibility == Visibility.ALL || userId.equals(asker.userId())) {
            return true;
        }
        return !orgs.isEmpty() && !Collections.disjoint(asker.orgs(), orgs);
    }
}
