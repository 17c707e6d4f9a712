package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Private ids: the reference's format, the same for one socket on one server, unknowable from the socket id. */
class PrivateIdsTest {
    @Test
    void oneSocketsPrivateIdIsStableHereAndLooksLikeTheReferences() {
        PrivateIds ids = new PrivateIds();
        String pid = ids.of("abcdefghijklmnopqrst");
        assertEquals(pid, ids.of("abcdefghijklmnopqrst"), "asked at the CONNECT reply and again when it goes");
        assertEquals(20, pid.length());
        assertTrue(pid.matches("[A-Za-z0-9_-]{20}"), pid);
    }

    @Test
    void anotherSocketOrAnotherServerGetsAnotherOne() {
        PrivateIds ids = new PrivateIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            assertTrue(seen.add(ids.of("socket-" + i)));
        }
        assertNotEquals(ids.of("socket-1"), new PrivateIds().of("socket-1"),
                "a key of its own: nobody derives a pid from a public socket id");
    }
}
