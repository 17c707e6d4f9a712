package io.switchboard.core;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionLoop;

/**
 * Delivers one encoded packet to many sockets: recipients are grouped by their session's loop so that each loop
 * gets one task for all of its recipients instead of one task per socket.
 */
final class Fanout {
    private final Map<SessionLoop, List<Socket>> byLoop = new IdentityHashMap<>();
    private int count;

    void add(Socket socket) {
        byLoop.computeIfAbsent(socket.loop(), loop -> new ArrayList<>()).add(socket);
        count++;
    }

    int count() {
        return count;
    }

    /** Above this many recipients, a frame copied once into direct memory beats a copy per socket write. */
    private static final int SHARED_FRAME_THRESHOLD = 8;

    void deliver(List<OutboundPacket> encoded, boolean isVolatile) {
        if (count >= SHARED_FRAME_THRESHOLD) {
            encoded.forEach(OutboundPacket::shareWithManyRecipients);
        }
        for (Map.Entry<SessionLoop, List<Socket>> entry : byLoop.entrySet()) {
            SessionLoop loop = entry.getKey();
            List<Socket> sockets = entry.getValue();
            Runnable task = () -> {
                for (Socket socket : sockets) {
                    socket.client().write(encoded, isVolatile);
                }
            };
            if (loop.inLoop()) {
                task.run();
            } else {
                loop.execute(task);
            }
        }
    }
}
