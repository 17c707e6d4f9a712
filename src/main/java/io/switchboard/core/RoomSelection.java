package io.switchboard.core;

import java.util.Set;

/**
 * A set of room names as a log entry keeps it for its window: null for none, the name itself for one (what nearly
 * every broadcast names: a room, or the sender left out), the set for more. Saves the set (24 bytes) twice an entry.
 */
final class RoomSelection {
    private RoomSelection() {
    }

    static Object compact(Set<String> rooms) {
        if (rooms.isEmpty()) {
            return null;
        }
        return rooms.size() == 1 ? rooms.iterator().next() : rooms;
    }

    /** Whether any of the compacted rooms is among {@code rooms}. */
    @SuppressWarnings("unchecked")
    static boolean anyIn(Object compacted, Set<String> rooms) {
        if (compacted instanceof String room) {
            return rooms.contains(room);
        }
        for (String room : (Set<String>) compacted) {
            if (rooms.contains(room)) {
                return true;
            }
        }
        return false;
    }
}
