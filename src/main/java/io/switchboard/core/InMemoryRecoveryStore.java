package io.switchboard.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The recovery log and sessions of one namespace on one node. Offsets are a counter in base 36, strictly
 * increasing; the log is trimmed to the recovery window on every append, so memory stays bounded by the traffic of
 * that window.
 */
public final class InMemoryRecoveryStore implements RecoveryStore {
    /**
     * A logged packet's arguments, its offset last: as JSON text, about a fifth of the tree's memory (the log holds
     * every packet of the window, 50,000 room announcements at 10,000 clients), the tree itself when they hold
     * binary, which text would not keep. Read back only when a client recovers.
     */
    private record Entry(Object payload, Object rooms, Object except, long at) {
        static Entry of(ArrayNode eventData, String offset, BroadcastOptions opts, long at) {
            Object rooms = RoomSelection.compact(opts.rooms());
            Object except = RoomSelection.compact(opts.except());
            if (!containsBinary(eventData, 0)) {
                try {
                    byte[] json = withOffset(JSON.writeValueAsBytes(eventData), offset);
                    return new Entry(json, rooms, except, at);
                } catch (JsonProcessingException e) {
                    // a value Jackson cannot write as text: kept whole
                }
            }
            ArrayNode stored = eventData.deepCopy();
            stored.add(offset);
            return new Entry(stored, rooms, except, at);
        }

        /** Whether the packet went to a socket in these rooms. */
        boolean reached(Set<String> socketRooms) {
            return (rooms == null || RoomSelection.anyIn(rooms, socketRooms))
                    && (except == null || !RoomSelection.anyIn(except, socketRooms));
        }

        /** The array's text with the offset (base 36: nothing to escape) as its last element. */
        private static byte[] withOffset(byte[] array, String offset) {
            byte[] element = ((array.length > 2 ? "," : "") + '"' + offset + "\"]").getBytes(StandardCharsets.US_ASCII);
            byte[] joined = Arrays.copyOf(array, array.length - 1 + element.length);
            System.arraycopy(element, 0, joined, array.length - 1, element.length);
            return joined;
        }

        /** The arguments: the text, or the tree kept when they hold binary. */
        ArrayNode data() {
            if (payload instanceof ArrayNode tree) {
                return tree;
            }
            try {
                return (ArrayNode) JSON.readTree((byte[]) payload);
            } catch (IOException e) {
                throw new UncheckedIOException("the log's own JSON", e);
            }
        }

        private static boolean containsBinary(JsonNode node, int depth) {
            if (node.isBinary() || node.isPojo() || depth > MAX_DEPTH) {
                return true; // binary, or something text may not keep as it is: the tree
            }
            for (JsonNode child : node) {
                if (containsBinary(child, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 64;

    private record Saved(SessionState session, long expiresAt) {
    }

    private final long windowMillis;
    private final LongSupplier clock;
    private final ArrayDeque<Entry> log = new ArrayDeque<>();
    private final Map<String, Saved> sessions = new ConcurrentHashMap<>();
    private long nextSeq = 1;

    public InMemoryRecoveryStore(long windowMillis, LongSupplier clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    public InMemoryRecoveryStore(long windowMillis) {
        this(windowMillis, System::currentTimeMillis);
    }

    @Override
    public synchronized String append(ArrayNode eventData, BroadcastOptions opts) {
        long now = clock.getAsLong();
        trim(now);
        long seq = nextSeq++;
        String offset = Long.toString(seq, 36);
        log.addLast(Entry.of(eventData, offset, opts, now));
        return offset;
    }

    @Override
    public synchronized String head() {
        return nextSeq == 1 ? "" : Long.toString(nextSeq - 1, 36);
    }

    @Override
    public void save(SessionState session, long ttlMillis) {
        long now = clock.getAsLong();
        sessions.values().removeIf(saved -> saved.expiresAt < now);
        sessions.put(session.pid(), new Saved(session, now + ttlMillis));
    }

    @Override
    public synchronized CompletionStage<SessionState.Restored> restore(String pid, String offset) {
        long now = clock.getAsLong();
        Saved saved = pid == null ? null : sessions.remove(pid);
        if (saved == null || saved.expiresAt < now) {
            return CompletableFuture.completedFuture(null);
        }
        String from = offset != null ? offset : saved.session.connectOffset();
        long after = parse(from);
        if (after < 0) {
            return CompletableFuture.completedFuture(null);
        }
        trim(now);
        // the log must still hold the packet right after the offset, or something may have been lost
        long oldest = oldestSeq();
        if (after + 1 < oldest || after >= nextSeq) {
            return CompletableFuture.completedFuture(null);
        }
        Set<String> rooms = saved.session.rooms();
        List<ArrayNode> missed = since(after, rooms);
        long readUpTo = nextSeq - 1;
        // between this read and the socket's joining its rooms (a loop hop, its middlewares) a broadcast from
        // another thread may be logged and pass the socket by: read again once it is in them. Whatever is logged
        // after that read finds it in its rooms; what both reached is sent twice rather than not at all.
        SessionState.CatchUp catchUp = (packets, later) -> {
            List<ArrayNode> all = new ArrayList<>(packets);
            all.addAll(since(readUpTo, rooms));
            return all;
        };
        return CompletableFuture.completedFuture(new SessionState.Restored(saved.session, missed, catchUp));
    }

    /** The logged packets after that sequence number that these rooms selected, oldest first. */
    private synchronized List<ArrayNode> since(long after, Set<String> rooms) {
        List<ArrayNode> missed = new ArrayList<>();
        long seq = oldestSeq();
        for (Entry entry : log) {
            if (seq++ > after && entry.reached(rooms)) {
                missed.add(entry.data());
            }
        }
        return missed;
    }

    /**
     * The sequence number of the log's first entry: each append takes the next number and trimming takes from the
     * front only, so the log holds the numbers up to the last one taken without a gap (and no entry keeps its own).
     */
    private long oldestSeq() {
        return nextSeq - log.size();
    }

    private static long parse(String offset) {
        if (offset == null) {
            return -1;
        }
        if (offset.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(offset, 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void trim(long now) {
        long threshold = now - windowMillis;
        for (Iterator<Entry> it = log.iterator(); it.hasNext(); ) {
            if (it.next().at >= threshold) {
                break;
            }
            it.remove();
        }
    }

    /** How many packets the log holds now (for tests and metrics). */
    public synchronized int size() {
        return log.size();
    }
}
