package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A socket's rooms: small sets replaced on change, large ones changed in place, the same members either way. */
class RoomSetTest {
    @Test
    void smallSetsAreReplacedAndStayUnchangeable() {
        Set<String> one = RoomSet.plus(null, "a");
        Set<String> two = RoomSet.plus(one, "b");
        assertEquals(Set.of("a"), one, "the earlier set is as it was: a reader on another thread may hold it");
        assertEquals(Set.of("a", "b"), two);
        assertThrows(UnsupportedOperationException.class, () -> two.add("c"));
        assertEquals(Set.of("b"), RoomSet.minus(two, "a"));
        assertNull(RoomSet.minus(one, "a"), "none left");
    }

    @Test
    void pastTheSmallSizeTheSetGrowsInPlaceAndShrinksBackToNothing() {
        Set<String> rooms = null;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 3 * RoomSet.SMALL; i++) {
            rooms = RoomSet.plus(rooms, "room-" + i);
            expected.add("room-" + i);
            assertEquals(expected, rooms);
        }
        Set<String> large = rooms;
        assertSame(large, RoomSet.plus(large, "one-more"), "changed in place: no copy per join");
        expected.add("one-more");
        for (String room : Set.copyOf(expected)) {
            rooms = RoomSet.minus(rooms, room);
            expected.remove(room);
            if (expected.isEmpty()) {
                assertNull(rooms);
            } else {
                assertEquals(expected, rooms);
            }
        }
    }
}
