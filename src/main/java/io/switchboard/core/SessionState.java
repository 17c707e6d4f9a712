package io.switchboard.core;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * What is kept of a socket that dropped, to be recovered: its ids, rooms and data, and where its stream of
 * packets stood when it connected (for a client that never received a packet and so has no offset to send).
 */
public record SessionState(String sid, String pid, Set<String> rooms, Map<String, Object> data,
                           String connectOffset) {

    /** A session found again, with the packets its client missed, oldest first, each ending with its offset. */
    public record Restored(SessionState session, List<ArrayNode> missedPackets) {
    }
}
