package io.switchboard.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * What is kept of a socket that dropped, to be recovered: its ids, rooms and data, and where its stream of
 * packets stood when it connected (for a client that never received a packet and so has no offset to send).
 */
public record SessionState(String sid, String pid, Set<String> rooms, Map<String, Object> data,
                           String connectOffset) {

    /**
     * A session found again, with the packets its client missed, oldest first, each ending with its offset. A store
     * whose log other nodes write adds a {@link CatchUp}: between reading the log and the socket's joining its rooms
     * here, this node may have delivered more to those rooms.
     */
    public record Restored(SessionState session, List<ArrayNode> missedPackets, CatchUp catchUp) {
        public Restored(SessionState session, List<ArrayNode> missedPackets) {
            this(session, missedPackets, null);
        }
    }

    /** Settles what a recovered socket missed, once it is back in its rooms. */
    @FunctionalInterface
    public interface CatchUp {
        /**
         * Called on the socket's loop right after it rejoined its rooms: returns the missed packets to send now (those
         * this node will not deliver to it anyway); packets still to be read from the log go to {@code later}, from
         * any thread.
         */
        List<ArrayNode> settle(List<ArrayNode> missedPackets, Consumer<ArrayNode> later);
    }
}
