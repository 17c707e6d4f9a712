package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;

import io.switchboard.adapter.redis.RecoveryOffset.Position;
import org.junit.jupiter.api.Test;

/** The text form of the Redis store's recovery offsets: round trips, and anything else is not an offset. */
class RecoveryOffsetTest {
    @Test
    void roundTripsWithTheMarkedEntry() {
        Map<String, Position> positions = new LinkedHashMap<>();
        positions.put("node_A-1", new Position(1_796_183_302_180L, 0));
        positions.put("nodeB", new Position(1_796_183_305_947L, 41));
        RecoveryOffset offset = new RecoveryOffset(1_796_183_300_000L, "nodeB", positions);

        RecoveryOffset parsed = RecoveryOffset.parse(offset.format());

        assertEquals(offset, parsed);
        assertEquals(Map.entry("nodeB", new Position(1_796_183_305_947L, 41)),
                RecoveryOffset.markedEntry(offset.format()));
    }

    @Test
    void anOffsetWithoutEntriesOrMarkIsStillAnOffset() {
        assertEquals(new RecoveryOffset(35, null, Map.of()), RecoveryOffset.parse("z"));
        assertNull(RecoveryOffset.markedEntry("z"));
    }

    @Test
    void otherTextIsNotAnOffset() {
        for (String text : new String[] {"", "1-0", "hello world", "z.a:b", "z.*a:1:2.*b:1:2", "z.:1:2", "z.a:-1:2",
                "z.a:1:2:3", "x".repeat(5000)}) {
            assertNull(RecoveryOffset.parse(text), text);
        }
        assertNull(RecoveryOffset.parse(null));
    }

    @Test
    void anOffsetNamingMoreOriginsThanAClusterHasIsNotAnOffset() {
        StringBuilder text = new StringBuilder("z");
        for (int i = 0; i <= RecoveryOffset.MAX_ORIGINS; i++) {
            text.append(".n").append(i).append(":1:0");
        }
        assertNull(RecoveryOffset.parse(text.toString()), "each origin would cost the server an XRANGE");
    }
}
