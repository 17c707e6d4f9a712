package io.switchboard.adapter.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recovery offset a client tracks, in the Redis recovery store: where the node that delivered a packet stood in
 * the log of every origin node when it delivered it. Each node appends what it sends to a log of its own, with ids
 * it picks itself ({@code ms-seq}), so that sending never waits for Redis; a packet relayed from another node gets
 * the relaying node's positions. A client that comes back with this offset has received, from each origin, exactly
 * the entries up to its position there, and nothing after it.
 *
 * <p>Text form: {@code since.entry.entry...}, each entry {@code origin:ms:seq} in base 36; the entry of the packet
 * itself (the one whose presence in its log proves nothing was trimmed) starts with {@code *}. {@code since} (ms)
 * bounds what could be missed from origins the node never heard from.
 */
record RecoveryOffset(long since, String marked, Map<String, Position> positions) {
    /**
     * More origins than a cluster has nodes within a recovery window: a client sends the offset, and each origin
     * costs an XRANGE when it recovers.
     */
    static final int MAX_ORIGINS = 64;

    /** An entry id of an origin's log. */
    record Position(long ms, long seq) implements Comparable<Position> {
        static Position parseId(String streamId) {
            int dash = streamId.indexOf('-');
            return new Position(Long.parseLong(streamId.substring(0, dash)), Long.parseLong(streamId.substring(dash + 1)));
        }

        String streamId() {
            return ms + "-" + seq;
        }

        @Override
        public int compareTo(Position other) {
            int byMs = Long.compare(ms, other.ms);
            return byMs != 0 ? byMs : Long.compare(seq, other.seq);
        }
    }

    String format() {
        StringBuilder text = new StringBuilder(16 + 24 * positions.size());
        text.append(Long.toString(since, 36));
        for (Map.Entry<String, Position> entry : positions.entrySet()) {
            text.append('.');
            if (entry.getKey().equals(marked)) {
                text.append('*');
            }
            text.append(entry.getKey()).append(':').append(Long.toString(entry.getValue().ms, 36)).append(':')
                    .append(Long.toString(entry.getValue().seq, 36));
        }
        return text.toString();
    }

    /** The offset in that text, or null when it is not one (an offset of another store, or made up). */
    static RecoveryOffset parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 4096) {
            return null;
        }
        try {
            String[] parts = text.split("\\.");
            long since = Long.parseLong(parts[0], 36);
            String marked = null;
            Map<String, Position> positions = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i];
                if (part.startsWith("*")) {
                    part = part.substring(1);
                    if (marked != null) {
                        return null;
                    }
                    marked = part.substring(0, part.indexOf(':'));
                }
                String[] fields = part.split(":");
                if (fields.length != 3 || fields[0].isEmpty()) {
                    return null;
                }
                Position position = new Position(Long.parseLong(fields[1], 36), Long.parseLong(fields[2], 36));
                if (position.ms < 0 || position.seq < 0) {
                    return null;
                }
                positions.put(fields[0], position);
                if (positions.size() > MAX_ORIGINS) {
                    return null;
                }
            }
            return new RecoveryOffset(since, marked, positions);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The origin and position of the packet this offset came with, as written by its origin; null when unmarked. */
    static Map.Entry<String, Position> markedEntry(String text) {
        RecoveryOffset offset = parse(text);
        if (offset == null || offset.marked == null) {
            return null;
        }
        return Map.entry(offset.marked, offset.positions.get(offset.marked));
    }
}
