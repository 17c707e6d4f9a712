package io.switchboard.core;

import java.util.Set;

/** Who a cluster operation is for: sockets in any of {@code rooms} (all when empty) and in none of {@code except}. */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
    public BroadcastOptions {
        rooms = Set.copyOf(rooms);
        except = Set.copyOf(except);
    }

    /** Whether a packet sent with these options went to a socket in these rooms (its own among them). */
    public boolean reaches(Set<String> socketRooms) {
        return (rooms.isEmpty() || RoomSelection.anyIn(rooms, socketRooms))
                && !RoomSelection.anyIn(except, socketRooms);
    }

    public static BroadcastOptions all() {
        return new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.DEFAULT);
    }
}
