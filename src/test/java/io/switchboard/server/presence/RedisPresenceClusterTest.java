package io.switchboard.server.presence;

import static io.switchboard.server.presence.PresenceTestSupport.eventually;
import static io.switchboard.server.presence.PresenceTestSupport.offline;
import static io.switchboard.server.presence.PresenceTestSupport.online;
import static io.switchboard.server.presence.PresenceTestSupport.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence across two or three nodes sharing a real Redis (each test under its own key prefix). */
class RedisPresenceClusterTest {
    protected final PresenceTestSupport support = support();

    /** The nodes' Redis: the shared one here; a Redis Cluster in the variant. */
    protected PresenceTestSupport support() {
        return new PresenceTestSupport();
    }

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void aUserOnTwoNodesIsOnlineUntilTheLastSocketLeavesAnnouncedExactlyOnce() throws Exception {
        SwitchboardServer a = support.node("redis", Map.of());
        SwitchboardServer b = support.node("redis", Map.of());
        PresenceTestSupport.Client watcherA = support.connect(a, "watcher-a", "acme");
        PresenceTestSupport.Client watcherB = support.connect(b, "watcher-b", "acme");
        PresenceTestSupport.Client outsider = support.connect(b, "outsider", "other-org");

        PresenceTestSupport.Client aliceOnA = support.connect(a, "alice", "acme");
        PresenceTestSupport.Client aliceOnB = support.connect(b, "alice", "acme");
        JsonNode online = watcherA.await("alice", "online");
        assertTrue(online.path("at").asLong() > 0, "at is a time: " + online);
        watcherB.await("alice", "online");
        eventually(() -> watcherB.queryUsers("alice", "nobody"), answer -> online(answer, "alice", 2),
                "alice online with 2 connections");

        aliceOnA.disconnect();
        JsonNode afterOne = eventually(() -> watcherA.queryUsers("alice"), answer -> online(answer, "alice", 1),
                "alice online with 1 connection");
        assertTrue(user(afterOne, "alice").path("lastSeen").isNull(), "no last seen while online");

        aliceOnB.disconnect();
        JsonNode offline = watcherA.await("alice", "offline");
        watcherB.await("alice", "offline");
        assertTrue(offline.path("at").asLong() >= online.path("at").asLong());
        JsonNode answer = eventually(() -> watcherB.queryUsers("alice"), result -> offline(result, "alice"),
                "alice offline");
        assertEquals(offline.path("at").asLong(), user(answer, "alice").path("lastSeen").asLong(),
                "last seen is the time alice went offline");

        for (PresenceTestSupport.Client watcher : List.of(watcherA, watcherB)) {
            assertEquals(1, watcher.count("alice", "online", 300), "exactly one online event");
            assertEquals(1, watcher.count("alice", "offline", 0), "exactly one offline event");
        }
        assertEquals(0, outsider.count("alice", "online", 0), "another org hears nothing: " + outsider.seen);
        assertEquals(0, outsider.count("alice", "offline", 0));
    }

    @Test
    void aNodeThatStopsRefreshingHasItsUsersOfflineWithinTheTtl() throws Exception {
        long ttl = 1_500;
        Map<String, String> shortTtl = Map.of("SWITCHBOARD_PRESENCE_TTL", Long.toString(ttl));
        SwitchboardServer a = support.node("redis", shortTtl);
        SwitchboardServer b = support.node("redis", shortTtl);
        PresenceTestSupport.Client watcher = support.connect(a, "watcher", "acme");
        support.connect(b, "bob", "acme");
        support.connect(b, "carol", "acme");
        support.connect(a, "carol", "acme");   // carol has a socket on the surviving node too
        watcher.await("bob", "online");
        eventually(() -> watcher.queryUsers("bob", "carol"),
                answer -> online(answer, "bob", 1) && online(answer, "carol", 2), "bob and carol online");

        long crashed = System.currentTimeMillis();
        PresenceTestSupport.crash(b);
        // the TTL, plus up to one refresh interval (ttl/3) before a survivor looks, plus slack
        watcher.await(event -> event.path("userId").asText().equals("bob")
                && event.path("status").asText().equals("offline"), "bob offline", ttl + ttl / 3 + 3_000);
        long took = System.currentTimeMillis() - crashed;
        assertTrue(took >= ttl - 200, "not before the TTL: " + took + " ms");
        JsonNode answer = watcher.queryUsers("bob", "carol");
        assertTrue(offline(answer, "bob"), answer.toString());
        assertTrue(online(answer, "carol", 1), "carol is still on the surviving node: " + answer);
        assertEquals(1, watcher.count("bob", "offline", 300), "one offline event");
        assertEquals(0, watcher.count("carol", "offline", 0), "carol never went offline");
    }

    @Test
    void queriesByUsersAndByRoomAndTheHttpApiSeeTheWholeCluster() throws Exception {
        SwitchboardServer a = support.node("redis", Map.of());
        SwitchboardServer b = support.node("redis", Map.of());
        SwitchboardServer c = support.node("redis", Map.of());
        PresenceTestSupport.Client alice = support.connect(a, "alice", "acme");
        PresenceTestSupport.Client bob = support.connect(b, "bob", "acme");
        PresenceTestSupport.Client bob2 = support.connect(c, "bob", "acme");
        PresenceTestSupport.Client carol = support.connect(c, "carol", "acme");
        alice.join("chat:x");
        bob.join("chat:x");
        bob2.join("chat:x");

        JsonNode users = eventually(() -> carol.queryUsers("alice", "bob", "carol", "zed"),
                answer -> online(answer, "alice", 1) && online(answer, "bob", 2) && online(answer, "carol", 1),
                "everyone online");
        assertTrue(offline(users, "zed") && user(users, "zed").path("lastSeen").isNull(), users.toString());

        JsonNode room = carol.queryRoom("chat:x");
        assertEquals("chat:x", room.path("room").asText());
        assertEquals(Map.of("alice", 1L, "bob", 2L), counts(room), room.toString());
        assertEquals(Map.of("alice", 1L, "bob", 2L, "carol", 1L), counts(alice.queryRoom("org:acme")));

        PresenceTestSupport.HttpResult http = PresenceTestSupport.get(b, "/api/presence?users=alice,bob,zed");
        assertEquals(200, http.status(), http.body().toString());
        assertTrue(online(http.body(), "alice", 1) && online(http.body(), "bob", 2) && offline(http.body(), "zed"),
                http.body().toString());
        PresenceTestSupport.HttpResult byRoom = PresenceTestSupport.get(a, "/api/presence?room=chat:x");
        assertEquals(200, byRoom.status());
        assertEquals(Map.of("alice", 1L, "bob", 2L), counts(byRoom.body()), byRoom.body().toString());
        assertEquals(400, PresenceTestSupport.get(a, "/api/presence").status());
        assertEquals(400, PresenceTestSupport.get(a, "/api/presence?users=a&room=b").status());

        bob.disconnect();
        bob2.disconnect();
        alice.await("bob", "offline");
        PresenceTestSupport.HttpResult after = PresenceTestSupport.get(c, "/api/presence?users=bob");
        assertTrue(offline(after.body(), "bob"), after.body().toString());
        assertTrue(user(after.body(), "bob").path("lastSeen").asLong() > 0, "last seen kept");
        assertEquals(Map.of("alice", 1L), counts(alice.queryRoom("chat:x")));
    }

    @Test
    void eachConnectAndDisconnectIsOneRedisCommandAndEachRefreshOne() throws Exception {
        // a 60 s TTL: no refresh (every 20 s) falls into the measurements of connects and disconnects
        SwitchboardServer a = support.node("redis", Map.of());
        PresenceTestSupport.Client watcher = support.connect(a, "watcher", "acme");
        // the first use of a script since Redis started costs a NOSCRIPT round trip; warm them up
        PresenceTestSupport.Client warm = support.connect(a, "warm", "acme");
        watcher.await("warm", "online");
        warm.disconnect();
        watcher.await("warm", "offline");
        watcher.queryUsers("warm");

        try (PresenceTestSupport.Monitor monitor = new PresenceTestSupport.Monitor(RedisPresenceStore.prefixFor(support.prefix))) {
            PresenceTestSupport.Client[] dave = new PresenceTestSupport.Client[1];
            int[] connect = measure(monitor, () -> {
                dave[0] = support.connect(a, "dave", "acme");
                watcher.await("dave", "online");
            });
            PresenceTestSupport.Client[] again = new PresenceTestSupport.Client[1];
            int[] second = measure(monitor, () -> again[0] = support.connect(a, "watcher", "acme"));
            int[] disconnect = measure(monitor, watcher::disconnect);   // watcher keeps its second socket
            int[] query = measure(monitor, () -> again[0].queryUsers("a", "b", "c", "d", "e", "f", "g", "h"));
            int[] last = measure(monitor, () -> {
                dave[0].disconnect();
                again[0].await("dave", "offline");
            });
            System.out.printf("presence commands (top-level + inside the script, TIME not counted): connect (user"
                            + " 0->1) %d + %d; connect (1->2) %d + %d; disconnect (2->1) %d + %d; disconnect (1->0)"
                            + " %d + %d; query of 8 users %d + %d%n", connect[0], connect[1], second[0], second[1],
                    disconnect[0], disconnect[1], last[0], last[1], query[0], query[1]);
            assertEquals(1, last[0], "one command per disconnect");
            assertEquals(1, connect[0], "one command per connect");
            assertEquals(1, second[0], "one command per connect");
            assertEquals(1, disconnect[0], "one command per disconnect");
            assertEquals(1, query[0], "one command per query");

            long ttl = 1_500;   // a refresh every 500 ms
            SwitchboardServer b = support.node("redis", Map.of("SWITCHBOARD_PRESENCE_TTL", Long.toString(ttl)));
            String nodeB = ((RedisPresenceStore) b.presence().store()).nodeId();
            monitor.awaitCaughtUp();
            monitor.reset();
            long start = System.currentTimeMillis();
            Thread.sleep(2_000);
            double intervals = (System.currentTimeMillis() - start) / (double) (ttl / 3);
            List<String> beats = monitor.topLevel.stream().filter(line -> line.contains(nodeB)).toList();
            System.out.printf("presence commands: refresh: %d top-level command(s) from one node in %.1f intervals%n",
                    beats.size(), intervals);
            assertTrue(beats.size() >= Math.floor(intervals) - 1 && beats.size() <= Math.ceil(intervals) + 1,
                    "one command per refresh interval (" + intervals + " intervals): " + beats);
            assertTrue(beats.stream().allMatch(line -> line.toLowerCase(java.util.Locale.ROOT).contains("\"evalsha\"")), beats.toString());
        }
    }

    /**
     * Top-level and in-script presence commands while the action runs: every action costs at least one command, so
     * the count is taken once one arrived and MONITOR caught up with what Redis ran by then (no sleep bracket).
     */
    private static int[] measure(PresenceTestSupport.Monitor monitor, ThrowingRunnable action) throws Exception {
        monitor.awaitCaughtUp();
        monitor.reset();
        action.run();
        monitor.awaitAtLeast(1);
        return new int[] {monitor.topLevel.size(), monitor.inScripts.size()};
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Map<String, Long> counts(JsonNode answer) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (JsonNode user : answer.path("users")) {
            counts.put(user.path("userId").asText(), user.path("connections").asLong());
        }
        assertNotNull(answer.path("users"));
        assertFalse(answer.has("error"), answer.toString());
        return counts;
    }
}
