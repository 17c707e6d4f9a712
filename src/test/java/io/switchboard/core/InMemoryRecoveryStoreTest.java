package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class InMemoryRecoveryStoreTest {
    private static final long WINDOW = 1_000;
    private final AtomicLong now = new AtomicLong(10_000);
    private final InMemoryRecoveryStore store = new InMemoryRecoveryStore(WINDOW, now::get);

    private static ArrayNode event(String name, int value) {
        return JsonNodeFactory.instance.arrayNode().add(name).add(value);
    }

    private static BroadcastOptions to(String... rooms) {
        return new BroadcastOptions(Set.of(rooms), Set.of(), BroadcastFlags.DEFAULT);
    }

    private String append(String name, int value, BroadcastOptions opts) {
        return store.append(event(name, value), opts);
    }

    private SessionState.Restored restore(String pid, String offset) {
        return store.restore(pid, offset).toCompletableFuture().join();
    }

    private void save(String pid, Set<String> rooms, String connectOffset) {
        store.save(new SessionState("sid-" + pid, pid, rooms, Map.of("k", "v"), connectOffset), WINDOW);
    }

    @Test
    void offsetsIncreaseAndRideAsTheLastArgument() {
        String first = append("a", 1, to());
        String second = append("a", 2, to());
        assertTrue(Long.parseLong(second, 36) > Long.parseLong(first, 36));
        assertEquals(second, store.head());
        save("p", Set.of("sid-p"), "");
        SessionState.Restored restored = restore("p", first);
        assertEquals(List.of(event("a", 2).add(second)), restored.missedPackets());
    }

    @Test
    void missedPacketsComeBackAsTheyWereSentWhateverTheyHold() {
        String start = append("x", 0, to());
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode json = f.arrayNode().add("rich").add(f.objectNode().put("text", "caf\u00e9 \"q\" \u2603")
                .put("big", Long.MAX_VALUE).put("pi", 3.25).putNull("none").set("list", f.arrayNode().add(true)));
        ArrayNode binary = f.arrayNode().add("file").add(new byte[] {0, 1, (byte) 0xff}).add(f.objectNode()
                .set("nested", f.binaryNode(new byte[] {7})));
        ArrayNode bare = f.arrayNode();
        String first = store.append(json, to());
        String second = store.append(binary, to());
        String third = store.append(bare, to());
        save("p", Set.of("sid-p"), start);
        List<ArrayNode> missed = restore("p", null).missedPackets();
        assertEquals(List.of(json.deepCopy().add(first), binary.deepCopy().add(second), f.arrayNode().add(third)),
                missed);
        assertTrue(missed.get(1).get(1).isBinary(), "binary stays binary: " + missed.get(1));
        assertTrue(missed.get(1).get(2).get("nested").isBinary(), "at any depth: " + missed.get(1));
        assertEquals(2, json.size(), "what the caller sent is not changed by the log");
    }

    @Test
    void restoresOnlyThePacketsTheSessionsRoomsSelected() {
        String start = append("x", 0, to());
        append("news", 1, to("news"));
        append("sport", 2, to("sport"));
        append("direct", 3, to("sid-p"));
        append("all-but-news", 4, new BroadcastOptions(Set.of(), Set.of("news"), BroadcastFlags.DEFAULT));
        append("all", 5, to());
        save("p", Set.of("sid-p", "news"), start);

        SessionState.Restored restored = restore("p", start);

        List<String> names = restored.missedPackets().stream().map(p -> p.get(0).asText()).toList();
        assertEquals(List.of("news", "direct", "all"), names);
        assertEquals(Set.of("sid-p", "news"), restored.session().rooms());
        assertEquals(Map.of("k", "v"), restored.session().data());
    }

    @Test
    void packetsForSeveralRoomsOrLeavingSeveralOutAreSelectedAsTheyWereSent() {
        String start = append("x", 0, to());
        append("either", 1, to("sport", "news"));
        append("neither", 2, to("sport", "weather"));
        append("all-but-two", 3, new BroadcastOptions(Set.of(), Set.of("weather", "news"), BroadcastFlags.DEFAULT));
        append("all-but-others", 4, new BroadcastOptions(Set.of(), Set.of("weather", "sport"), BroadcastFlags.DEFAULT));
        append("room-less-one", 5, new BroadcastOptions(Set.of("news"), Set.of("sid-p"), BroadcastFlags.DEFAULT));
        save("p", Set.of("sid-p", "news"), start);

        List<String> names = restore("p", start).missedPackets().stream().map(p -> p.get(0).asText()).toList();
        assertEquals(List.of("either", "all-but-others"), names);
    }

    @Test
    void aClientWithoutOffsetGetsEverythingSinceItConnected() {
        append("before", 0, to());
        String head = store.head();
        append("after", 1, to());
        save("p", Set.of("sid-p"), head);

        SessionState.Restored restored = restore("p", null);

        assertEquals(1, restored.missedPackets().size());
        assertEquals("after", restored.missedPackets().get(0).get(0).asText());
    }

    @Test
    void aSessionIsTakenOnlyOnce() {
        save("p", Set.of(), "");
        assertNotNull(restore("p", ""));
        assertNull(restore("p", ""));
    }

    @Test
    void sessionsExpireAfterTheWindow() {
        save("p", Set.of(), "");
        now.addAndGet(WINDOW + 1);
        assertNull(restore("p", ""));
    }

    @Test
    void theLogIsTrimmedToTheWindowAndAnOffsetBeyondItIsNotRecoverable() {
        String received = append("old", 1, to());
        append("old", 2, to());
        now.addAndGet(WINDOW + 1);
        append("new", 3, to());
        assertEquals(1, store.size());
        save("p", Set.of(), "");
        assertNull(restore("p", received), "the packet after the offset was trimmed, so it may have been missed");
        save("q", Set.of(), "");
        String last = append("newer", 4, to());
        assertEquals(0, restore("q", last).missedPackets().size(), "nothing was missed after the newest packet");
    }

    @Test
    void unknownOrMalformedOffsetsAreNotRecoverable() {
        append("a", 1, to());
        save("p", Set.of(), "");
        assertNull(restore("p", "zzzzzz"));
        save("q", Set.of(), "");
        assertNull(restore("q", "not an offset!"));
        assertNull(restore("unknown", ""));
    }
}
