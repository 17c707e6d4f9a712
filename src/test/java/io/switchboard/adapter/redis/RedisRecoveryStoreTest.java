package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The Redis recovery store on a real Redis: offsets are stream ids, rooms select, the log and sessions expire. */
class RedisRecoveryStoreTest {
    private final String key = "recovery-test-" + Ids.random(8);
    private final RedisLink link = new RedisLink(new RedisAdapterOptions().url(RedisTestSupport.url()).key(key));

    @AfterEach
    void close() {
        link.commands().del(key + "-recovery#/#log");
        link.close();
    }

    private RedisRecoveryStore store(long windowMillis) {
        return new RedisRecoveryStore(link, new ObjectMapper(), key, "/", windowMillis);
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

    @Test
    void offsetsAreIncreasingStreamIdsAndRestoreSelectsByRooms() {
        RedisRecoveryStore store = store(60_000);
        String start = await(store.append(event("x", 0), to()));
        await(store.append(event("news", 1), to("news")));
        await(store.append(event("sport", 2), to("sport")));
        String direct = await(store.append(event("direct", 3), to("sid-p")));
        await(store.append(event("not-news", 4),
                new BroadcastOptions(Set.of(), Set.of("news"), BroadcastFlags.DEFAULT)));
        assertTrue(direct.compareTo(start) > 0 || direct.length() > start.length());
        String last = await(store.append(event("all", 5), to()));
        assertEquals(last, await(store.head()));

        store.save(session("p", Set.of("sid-p", "news"), ""), 60_000);
        SessionState.Restored restored = await(store.restore("p", start));

        assertNotNull(restored);
        List<String> names = restored.missedPackets().stream().map(p -> p.get(0).asText()).toList();
        assertEquals(List.of("news", "direct", "all"), names);
        assertEquals(direct, restored.missedPackets().get(1).get(2).asText(), "the offset rides last");
        assertEquals(Set.of("sid-p", "news"), restored.session().rooms());
        assertEquals(Map.of("name", "ada"), restored.session().data());
        assertNull(await(store.restore("p", start)), "a session is taken once");
    }

    @Test
    void withoutAnOffsetEverythingSinceTheConnectOffsetIsReplayed() {
        RedisRecoveryStore store = store(60_000);
        await(store.append(event("before", 0), to()));
        String head = await(store.head());
        await(store.append(event("after", 1), to()));
        store.save(session("q", Set.of("sid-q"), head), 60_000);

        SessionState.Restored restored = await(store.restore("q", null));

        assertEquals(List.of("after"), restored.missedPackets().stream().map(p -> p.get(0).asText()).toList());
    }

    @Test
    void sessionsExpireWithTheirTtl() throws InterruptedException {
        RedisRecoveryStore store = store(60_000);
        store.save(session("e", Set.of(), ""), 50);
        // the expiry is Redis's clock: wait it out
        Thread.sleep(150);
        assertNull(await(store.restore("e", "")));
    }

    @Test
    void appendsTrimTheLogToTheWindow() throws InterruptedException {
        RedisRecoveryStore store = store(50);
        for (int i = 0; i < 300; i++) {
            await(store.append(event("old", i), to()));
        }
        // entries older than the window go with the next appends (MINID, approximate: whole stream nodes at a time)
        Thread.sleep(120);
        for (int i = 0; i < 300; i++) {
            await(store.append(event("new", i), to()));
        }
        long length = await(link.commands().xlen(key + "-recovery#/#log"));
        assertTrue(length < 600, "old entries were trimmed, " + length + " left");
    }

    @Test
    void anOffsetThatFellOutOfTheLogIsNotRecoverable() {
        RedisRecoveryStore store = store(60_000);
        String received = await(store.append(event("old", 1), to()));
        String next = await(store.append(event("old", 2), to()));
        await(store.append(event("new", 3), to()));
        // as trimming would: the entries up to the one after the client's offset are gone
        await(link.commands().xtrim(key + "-recovery#/#log",
                io.lettuce.core.XTrimArgs.Builder.minId(next).exactTrimming()));
        await(link.commands().xdel(key + "-recovery#/#log", next));
        store.save(session("t", Set.of(), ""), 60_000);
        assertNull(await(store.restore("t", received)));
    }

    @Test
    void unknownOffsetsAreNotRecoverable() {
        RedisRecoveryStore store = store(60_000);
        await(store.append(event("a", 1), to()));
        store.save(session("u", Set.of(), ""), 60_000);
        assertNull(await(store.restore("u", "1-0")));
        assertNull(await(store.restore("nobody", "")));
    }
}
