package io.switchboard.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One socket's named rooms as the adapter keeps them, changed only on the socket's loop and read from any thread.
 * A few rooms (what nearly every socket has) are an immutable set replaced on each change: 24 to 60 bytes, against
 * about 300 for a concurrent set of five. Past {@link #SMALL} they become a concurrent set changed in place, so a
 * socket in many rooms pays no copy per join.
 */
final class RoomSet {
    static final int SMALL = 8;

    private RoomSet() {
    }

    /** {@code rooms} (null for none) with {@code room} added, which it must not hold yet. */
    static Set<String> plus(Set<String> rooms, String room) {
        if (rooms == null) {
            return Set.of(room);
        }
        if (rooms instanceof ConcurrentHashMap.KeySetView<String, ?> large) {
            large.add(room);
            return large;
        }
        if (rooms.size() < SMALL) {
            String[] all = rooms.toArray(new String[rooms.size() + 1]);
            all[rooms.size()] = room;
            return Set.of(all);
        }
        Set<String> large = ConcurrentHashMap.newKeySet(2 * SMALL);
        large.addAll(rooms);
        large.add(room);
        return large;
    }

    /** {@code rooms} without {@code room}, which it holds; null when none is left. */
    static Set<String> minus(Set<String> rooms, String room) {
        if (rooms instanceof ConcurrentHashMap.KeySetView<String, ?> large) {
            large.remove(room);
            return large.isEmpty() ? null : large;
        }
        if (rooms.size() == 1) {
            return null;
        }
        String[] rest = new String[rooms.size() - 1];
        int i = 0;
        for (String each : rooms) {
            if (!each.equals(room)) {
                rest[i++] = each;
            }
        }
        return Set.of(rest);
    }
}
