package io.switchboard.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.switchboard.engine.SessionLoop;

/**
 * The named rooms of one namespace's sockets that live on one event loop: member id to the member (the socket, so
 * that a broadcast walks straight to its recipients). Written only on that loop, so a broadcast that selects its
 * recipients there sees every join that loop has run; concurrent maps so that other threads may still read (rooms,
 * counts, a cluster adapter's filter), as of some recent moment.
 */
final class LoopRooms {
    /** Null for the index of ids joined while no such socket is here, which no broadcast selects. */
    final SessionLoop loop;
    final Map<String, Members> rooms = new ConcurrentHashMap<>();

    /**
     * A room's members, with the name it was made under: every later join and logged broadcast names the room by
     * that one string, not by the copy each event's arguments bring (64 bytes a join, kept as long as the
     * membership, and in the recovery log as long as its window).
     */
    static final class Members extends ConcurrentHashMap<String, Object> {
        final String name;

        Members(String name) {
            super(4);
            this.name = name;
        }
    }

    LoopRooms(SessionLoop loop) {
        this.loop = loop;
    }

    void add(String room, String socketId, Object member) {
        rooms.compute(room, (r, members) -> {
            Members map = members == null ? new Members(r) : members;
            map.put(socketId, member);
            return map;
        });
    }

    void remove(String room, String socketId) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(socketId);
            return members.isEmpty() ? null : members;
        });
    }

    int size(String room) {
        Map<String, Object> members = rooms.get(room);
        return members == null ? 0 : members.size();
    }

    /** The string this index names the room by, or null when it has no such room. */
    String nameOf(String room) {
        Members members = rooms.get(room);
        return members == null ? null : members.name;
    }
}
