package io.switchboard.server.adminui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What happened on this node since the last {@code server_stats}, counted per second of wall time as the reference's
 * event buffer does: {timestamp (ms, at the start of its second), type, subType, count} for rawConnection,
 * rawDisconnection (subType: the reason), packetsIn, packetsOut, bytesIn and bytesOut. Safe from any thread.
 */
final class AggregatedEvents {
    private record Key(long second, String type, String subType) {
    }

    private final Map<Key, Long> counts = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    AggregatedEvents(LongSupplier clock) {
        this.clock = clock;
    }

    void add(String type, String subType, long count) {
        long now = clock.getAsLong();
        counts.merge(new Key(now - Math.floorMod(now, 1000L), type, subType), count, Long::sum);
    }

    void add(String type) {
        add(type, null, 1);
    }

    /** The counts so far, oldest second first, each taken out as it is read (nothing counted twice or lost). */
    List<Map<String, Object>> drain() {
        List<Map<String, Object>> values = new ArrayList<>();
        for (Key key : List.copyOf(counts.keySet())) {
            Long count = counts.remove(key);
            if (count == null) {
                continue;
            }
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("timestamp", key.second());
            value.put("type", key.type());
            if (key.subType() != null) {
                value.put("subType", key.subType());
            }
            value.put("count", count);
            values.add(value);
        }
        values.sort((a, b) -> Long.compare((Long) a.get("timestamp"), (Long) b.get("timestamp")));
        return values;
    }
}
