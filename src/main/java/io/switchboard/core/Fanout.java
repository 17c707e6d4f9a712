package io.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionLoop;

/**
 * Delivers one encoded packet to many sockets: recipients are grouped by their session's loop so that each loop
 * gets one task for all of its recipients instead of one task per socket. A server has a handful of loops, so the
 * groups are found by a scan of a short list rather than by hashing once per recipient.
 */
final class Fanout {
    /** Above this many recipients, a frame copied once into direct memory beats a copy per socket write. */
    private static final int SHARED_FRAME_THRESHOLD = 8;

    private final List<Group> groups = new ArrayList<>(4);
    private Group last;
    private int count;

    private record Group(SessionLoop loop, List<Socket> sockets) {
    }

    void add(Socket socket) {
        SessionLoop loop = socket.loop();
        Group group = last;
        if (group == null || group.loop != loop) {
            group = null;
            for (int i = 0, n = groups.size(); i < n; i++) {
                if (groups.get(i).loop == loop) {
                    group = groups.get(i);
                    break;
                }
            }
            if (group == null) {
                group = new Group(loop, new ArrayList<>());
                groups.add(group);
            }
            last = group;
        }
        group.sockets.add(socket);
        count++;
    }

    int count() {
        return count;
    }

    /**
     * Writes to every recipient on its own loop, showing the event to its onAnyOutgoing listeners there first
     * ({@code eventData} is only read, by several loops at once).
     */
    void deliver(List<OutboundPacket> encoded, boolean isVolatile, ArrayNode eventData) {
        if (count >= SHARED_FRAME_THRESHOLD) {
            encoded.forEach(OutboundPacket::shareWithManyRecipients);
        }
        // the other loops first, so that they write in parallel while this loop writes to its own recipients
        for (Group group : groups) {
            if (!group.loop.inLoop()) {
                group.loop.execute(() -> writeAll(group.sockets, encoded, isVolatile, eventData));
            }
        }
        for (Group group : groups) {
            if (group.loop.inLoop()) {
                writeAll(group.sockets, encoded, isVolatile, eventData);
            }
        }
    }

    /** Runs the action for every recipient on its loop: one task per other loop, at once for this loop's own. */
    void forEachOnLoop(Consumer<Socket> action) {
        for (Group group : groups) {
            if (group.loop.inLoop()) {
                group.sockets.forEach(action);
            } else {
                group.loop.execute(() -> group.sockets.forEach(action));
            }
        }
    }

    private static void writeAll(List<Socket> sockets, List<OutboundPacket> encoded, boolean isVolatile,
                                 ArrayNode eventData) {
        for (int i = 0, n = sockets.size(); i < n; i++) {
            Socket socket = sockets.get(i);
            socket.notifyOutgoing(eventData);
            socket.write(encoded, isVolatile);
        }
    }
}
