package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.core.BroadcastFlags;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis recovery store on a real Redis: offsets are assigned without a round trip, rooms select, the log and
 * sessions expire, several nodes' logs are read back in order, binary stays binary, live sessions survive a node.
 */
class RedisRecoveryStoreTest {
    private final String key = "recovery-test-" + Ids.random(8);
    private final RedisLink link = new RedisLink(new RedisAdapterOptions().url(url()).key(key));

    /** The Redis deployment of the test: the shared Redis here; a Redis Cluster or Sentinel in the variants. */
    protected String url() {
        return RedisTestSupport.url();
    }
    private final List<RedisRecoveryStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        for (RedisRecoveryStore store : stores) {
            store.close();
            link.commands().del(store.logKey(store.uid()));
        }
        link.commands().del(key + "-recovery#/#origins");
        link.close();
    }

    private RedisRecoveryStore store(long windowMillis) {
        RedisRecoveryStore store = new RedisRecoveryStore(link, new ObjectMapper(), key, "/", windowMillis);
        stores.add(store);
        return store;
    }

    private RedisRecoveryStore store(long windowMillis, java.util.function.LongSupplier clock) {
        RedisRecoveryStore store = new RedisRecoveryStore(link, new ObjectMapper(), key, "/", windowMillis, true, clock);
        stores.add(store);
        return store;
    }

    private static ArrayNode event(String name, int value) {
        return JsonNodeFactory.instance.arrayNode().add(name).add(value);
    }

    private static BroadcastOptions to(String... rooms) {
        return new BroadcastOptions(Set.of(rooms), Set.of(), BroadcastFlags.DEFAULT);
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static SessionState session(String pid, Set<String> rooms, String connectOffset) {
        return new SessionState("sid-" + pid, pid, rooms, Map.of("name", "ada"), connectOffset);
    }

    private static List<String> names(SessionState.Restored restored) {
        return restored.missedPackets().stream().map(p -> p.get(0).asText()).toList();
    }

    @Test
    void offsetsComeWithoutARoundTripAndRestoreSelectsByRooms() {
        RedisRecoveryStore store = store(60_000);
        String start = store.append(event("x", 0), to());
        store.append(event("news", 1), to("news"));
        store.append(event("sport", 2), to("sport"));
        String direct = store.append(event("direct", 3), to("sid-p"));
        store.append(event("not-news", 4), new BroadcastOptions(Set.of(), Set.of("news"), BroadcastFlags.DEFAULT));
        store.append(event("all", 5), to());

        store.save(session("p", Set.of("sid-p", "news"), ""), 60_000);
        SessionState.Restored restored = await(store.restore("p", start));

        assertNotNull(restored);
        assertEquals(List.of("news", "direct", "all"), names(restored));
        assertEquals(RecoveryOffset.parse(direct), RecoveryOffset.parse(restored.missedPackets().get(1).get(2).asText()),
                "the offset rides last, the same as when it was sent");
        assertEquals(Set.of("sid-p", "news"), restored.session().rooms());
        assertEquals(Map.of("name", "ada"), restored.session().data());
        assertNull(await(store.restore("p", start)), "a session is taken once");
    }

    @Test
    void withoutAnOffsetEverythingSinceTheConnectOffsetIsReplayed() {
        RedisRecoveryStore store = store(60_000);
        store.append(event("before", 0), to());
        String head = store.head();
        store.append(event("after", 1), to());
        store.save(session("q", Set.of("sid-q"), head), 60_000);

        assertEquals(List.of("after"), names(await(store.restore("q", null))));
    }

    @Test
    void packetsOfEveryNodeComeBackInOrderFromTheRelayingNodesOffset() {
        // three nodes whose clocks move on between their appends: entries of different nodes within one millisecond
        // have no order of their own (they are merged by time, then by node), and a fast machine makes them so
        java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(
                System.currentTimeMillis());
        RedisRecoveryStore a = store(60_000, millis::incrementAndGet);
        RedisRecoveryStore b = store(60_000, millis::incrementAndGet);
        RedisRecoveryStore c = store(60_000, millis::incrementAndGet);
        // b's client gets a packet from a (relayed by b) and one from b itself
        ArrayNode fromA = event("a1", 1);
        fromA.add(a.append(fromA.deepCopy(), to()));
        b.relayed(fromA);
        ArrayNode fromB = event("b1", 2);
        String lastSeen = b.append(fromB, to());
        // what it misses: more from a, b, and from c, which it never heard from
        a.append(event("a2", 3), to());
        b.append(event("b2", 4), to());
        c.append(event("c1", 5), to());
        b.update(session("r", Set.of("sid-r"), b.head()));

        // b died without closing the socket: c takes the session back from what b kept while it lived
        SessionState.Restored restored = await(c.restore("r", lastSeen));

        assertNotNull(restored);
        assertEquals(List.of("a2", "b2", "c1"), names(restored));
    }

    @Test
    void binaryComesBackAsBinary() {
        RedisRecoveryStore store = store(60_000);
        String start = store.head();
        ArrayNode file = JsonNodeFactory.instance.arrayNode().add("file").add(new byte[] {1, 2, 3});
        store.append(file, to());
        store.save(session("bin", Set.of("sid-bin"), start), 60_000);

        SessionState.Restored restored = await(store.restore("bin", null));

        assertTrue(restored.missedPackets().get(0).get(1).isBinary(), "not base64 text");
        assertArrayEquals(new byte[] {1, 2, 3}, binary(restored.missedPackets().get(0).get(1)));
    }

    private static byte[] binary(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSessionLiveOnThisNodeIsNotTakenTwice() {
        RedisRecoveryStore store = store(60_000);
        store.update(session("live", Set.of("sid-live"), store.head()));
        assertNull(await(store.restore("live", null)), "the socket is still connected here");
        store.forget("live");
        assertNull(await(store(60_000).restore("live", null)), "a socket closed for good leaves nothing");
    }

    @Test
    void sessionsExpireWithTheirTtl() throws InterruptedException {
        RedisRecoveryStore store = store(60_000);
        store.save(session("e", Set.of(), store.head()), 50);
        // the expiry is Redis's clock: wait it out
        Thread.sleep(150);
        assertNull(await(store.restore("e", null)));
    }

    @Test
    void appendsTrimTheLogToTheWindow() throws InterruptedException {
        RedisRecoveryStore store = store(50);
        for (int i = 0; i < 300; i++) {
            store.append(event("old", i), to());
        }
        // entries older than the window go with the next appends (MINID, approximate: whole stream nodes at a time)
        Thread.sleep(120);
        for (int i = 0; i < 300; i++) {
            store.append(event("new", i), to());
        }
        long length = await(link.commands().xlen(store.logKey(store.uid())));
        assertTrue(length < 600, "old entries were trimmed, " + length + " left");
    }

    @Test
    void anOffsetThatFellOutOfTheLogIsNotRecoverable() {
        RedisRecoveryStore store = store(60_000);
        String received = store.append(event("old", 1), to());
        String next = store.append(event("old", 2), to());
        store.append(event("new", 3), to());
        // as trimming would: the entries up to the one after the client's offset are gone
        String nextId = RecoveryOffset.parse(next).positions().get(store.uid()).streamId();
        String receivedId = RecoveryOffset.parse(received).positions().get(store.uid()).streamId();
        await(link.commands().xdel(store.logKey(store.uid()), receivedId, nextId));
        store.save(session("t", Set.of(), ""), 60_000);
        assertNull(await(store.restore("t", received)));
    }

    @Test
    void unknownOffsetsAreNotRecoverable() {
        RedisRecoveryStore store = store(60_000);
        store.append(event("a", 1), to());
        store.save(session("u", Set.of(), ""), 60_000);
        assertNull(await(store.restore("u", "1-0")));
        assertNull(await(store.restore("nobody", "")));
    }
}
