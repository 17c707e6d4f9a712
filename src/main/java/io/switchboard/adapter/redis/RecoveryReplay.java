package io.switchboard.adapter.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.switchboard.adapter.redis.RecoveryOffset.Position;
import io.switchboard.core.BroadcastFlags;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back, for a recovering socket, what the Redis recovery store's logs hold after its offset: one XRANGE per
 * origin node, merged in time order, selected by the socket's rooms; then, once the socket is back in its rooms,
 * settles the overlap with what its new node delivers live ({@link #catchUp}).
 */
final class RecoveryReplay {
    private static final Logger log = LoggerFactory.getLogger(RecoveryReplay.class);
    /** The fields of a log entry: the event (msgpack), the rooms and the exceptions it was sent with. */
    static final String DATA = "d";
    static final String ROOMS = "r";
    static final String EXCEPT = "e";

    private final RedisLink link;
    private final Function<String, String> logKey;
    private final long windowMillis;
    private final boolean seesEveryBroadcast;

    /** How far a node got in every origin's log; below {@code floor} it went past everything of origins it lacks. */
    record Progress(Map<String, Position> positions, Position floor) {
    }

    RecoveryReplay(RedisLink link, Function<String, String> logKey, long windowMillis, boolean seesEveryBroadcast) {
        this.link = link;
        this.logKey = logKey;
        this.windowMillis = windowMillis;
        this.seesEveryBroadcast = seesEveryBroadcast;
    }

    private String logKey(String origin) {
        return logKey.apply(origin);
    }

    private record Missed(String origin, Position id, Map<String, byte[]> body) {
    }

    /** What a recovery read: the selected entries and their packets (in the same order), and how far each log was read. */
    record Replay(List<Missed> selected, List<ArrayNode> packets, Map<String, Position> readUpTo) {
    }

    /** The packets after {@code from} in every origin's log that these rooms selected, oldest first; null on a gap. */
    CompletableFuture<Replay> missedSince(RecoveryOffset from, List<byte[]> registered, Set<String> rooms,
                                                  long now) {
        Set<String> origins = new LinkedHashSet<>(from.positions().keySet());
        registered.forEach(origin -> origins.add(new String(origin, java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, CompletableFuture<List<StreamMessage<String, byte[]>>>> reads = new LinkedHashMap<>();
        for (String origin : origins) {
            reads.put(origin, link.commands().xrange(logKey(origin), Range.create(start(from, origin).streamId(), "+"))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Missed> missed = new ArrayList<>();
            Map<String, Position> readUpTo = new LinkedHashMap<>();
            for (Map.Entry<String, CompletableFuture<List<StreamMessage<String, byte[]>>>> read : reads.entrySet()) {
                String origin = read.getKey();
                Position position = from.positions().get(origin);
                readUpTo.put(origin, start(from, origin));
                boolean positionFound = false;
                List<StreamMessage<String, byte[]>> entries = read.getValue().join();
                for (StreamMessage<String, byte[]> entry : entries) {
                    Position id = Position.parseId(entry.getId());
                    readUpTo.put(origin, id);
                    if (position != null && id.compareTo(position) <= 0) {
                        positionFound |= id.equals(position);
                        continue;
                    }
                    missed.add(new Missed(origin, id, entry.getBody()));
                }
                // the client's last packet must still be in its log, or what followed it may have been trimmed;
                // an entry never written (its node died first) with nothing after it hides nothing
                if (origin.equals(from.marked()) && !positionFound
                        && (entries.size() > 0 || position.ms() < now - windowMillis)) {
                    return null;
                }
            }
            missed.sort(Comparator.comparing(Missed::id).thenComparing(Missed::origin));
            List<Missed> selected = new ArrayList<>();
            List<ArrayNode> packets = new ArrayList<>();
            select(missed, rooms, from, selected, packets);
            return new Replay(selected, packets, readUpTo);
        });
    }

    /** Where reading an origin's log starts: the offset's position there, or its since for an origin it lacks. */
    private static Position start(RecoveryOffset from, String origin) {
        Position position = from.positions().get(origin);
        return position != null ? position : new Position(from.since(), 0);
    }

    /** Keeps the entries these rooms selected, each as its packet with the offset it has in this sequence. */
    private void select(List<Missed> entries, Set<String> rooms, RecoveryOffset from, List<Missed> selected,
                        List<ArrayNode> packets) {
        Map<String, Position> positions = new LinkedHashMap<>(from.positions());
        for (Missed entry : entries) {
            positions.put(entry.origin, entry.id);
            BroadcastOptions opts = new BroadcastOptions(strings(entry.body.get(ROOMS)),
                    strings(entry.body.get(EXCEPT)), BroadcastFlags.DEFAULT);
            if (opts.reaches(rooms)) {
                ArrayNode data = (ArrayNode) MsgPack.decode(entry.body.get(DATA));
                data.add(new RecoveryOffset(from.since(), entry.origin, new LinkedHashMap<>(positions)).format());
                selected.add(entry);
                packets.add(data);
            }
        }
    }

    /**
     * Once the socket is back in its rooms here: of what the log held, it gets now what this node already went past
     * (the rest reaches it live), and later what this node went past between the read and the join.
     */
    SessionState.CatchUp catchUp(Replay replay, RecoveryOffset from, Set<String> rooms, Supplier<Progress> progress) {
        return (missedPackets, later) -> {
            Progress progressNow = progress.get();
            Map<String, Position> processed = progressNow.positions();
            // origins this node has no position for: it went past everything older than its own since
            Position floor = progressNow.floor();
            List<ArrayNode> now = new ArrayList<>();
            for (int i = 0; i < replay.selected.size(); i++) {
                Missed entry = replay.selected.get(i);
                if (!seesEveryBroadcast || entry.id.compareTo(processed.getOrDefault(entry.origin, floor)) <= 0) {
                    now.add(replay.packets.get(i));
                }
            }
            for (Map.Entry<String, Position> done : processed.entrySet()) {
                Position read = replay.readUpTo.getOrDefault(done.getKey(), start(from, done.getKey()));
                if (done.getValue().compareTo(read) > 0) {
                    readBetween(done.getKey(), read, done.getValue(), rooms, from, later);
                }
            }
            return now;
        };
    }

    private void readBetween(String origin, Position after, Position upTo, Set<String> rooms, RecoveryOffset from,
                             java.util.function.Consumer<ArrayNode> deliver) {
        link.commands().xrange(logKey(origin), Range.from(Range.Boundary.excluding(after.streamId()),
                Range.Boundary.including(upTo.streamId()))).toCompletableFuture().whenComplete((entries, error) -> {
                    if (error != null) {
                        log.warn("could not read what a recovered socket missed from {}: {}", origin, error.toString());
                        return;
                    }
                    List<Missed> missed = new ArrayList<>();
                    for (StreamMessage<String, byte[]> entry : entries) {
                        missed.add(new Missed(origin, Position.parseId(entry.getId()), entry.getBody()));
                    }
                    List<ArrayNode> packets = new ArrayList<>();
                    select(missed, rooms, from, new ArrayList<>(), packets);
                    packets.forEach(deliver);
                });
    }

    private static Set<String> strings(byte[] raw) {
        if (raw == null) {
            return Set.of();
        }
        Set<String> values = new LinkedHashSet<>();
        MsgPack.decode(raw).forEach(value -> values.add(value.asText()));
        return values;
    }
}
