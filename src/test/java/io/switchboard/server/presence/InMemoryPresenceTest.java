package io.switchboard.server.presence;

import static io.switchboard.server.presence.PresenceTestSupport.eventually;
import static io.switchboard.server.presence.PresenceTestSupport.offline;
import static io.switchboard.server.presence.PresenceTestSupport.online;
import static io.switchboard.server.presence.PresenceTestSupport.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence on one node with the in-memory store (the default without Redis). */
class InMemoryPresenceTest {
    private final PresenceTestSupport support = new PresenceTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void onlineWhileOneSocketIsConnectedWithEventsQueriesAndTheHttpApi() throws Exception {
        SwitchboardServer node = support.node("memory", Map.of());
        assertTrue(node.presence().store() instanceof InMemoryPresenceStore);
        PresenceTestSupport.Client watcher = support.connect(node, "watcher", "acme");
        PresenceTestSupport.Client first = support.connect(node, "alice", "acme");
        PresenceTestSupport.Client second = support.connect(node, "alice", "acme");
        watcher.await("alice", "online");
        eventually(() -> watcher.queryUsers("alice"), answer -> online(answer, "alice", 2), "alice twice");
        first.join("chat:y");
        JsonNode room = watcher.queryRoom("chat:y");
        assertTrue(room.path("users").size() == 1 && user(room, "alice").path("connections").asLong() == 1, room.toString());

        first.disconnect();
        eventually(() -> watcher.queryUsers("alice"), answer -> online(answer, "alice", 1), "alice once");
        PresenceTestSupport.HttpResult http = PresenceTestSupport.get(node, "/api/presence?users=alice,zed");
        assertTrue(online(http.body(), "alice", 1) && offline(http.body(), "zed"), http.body().toString());

        second.disconnect();
        JsonNode gone = watcher.await("alice", "offline");
        JsonNode answer = watcher.query(new org.json.JSONObject(Map.of("users", List.of("alice"))));
        assertTrue(offline(answer, "alice"), answer.toString());
        assertEquals(gone.path("at").asLong(), user(answer, "alice").path("lastSeen").asLong());
        assertEquals(1, watcher.count("alice", "online", 300));
        assertEquals(1, watcher.count("alice", "offline", 0));
        assertEquals(0, PresenceTestSupport.get(node, "/api/presence?room=chat:y").body().path("users").size());
    }

    @Test
    void audienceAllReachesEverySocketAndNoneNobody() throws Exception {
        SwitchboardServer all = support.node("memory", Map.of("SWITCHBOARD_PRESENCE_AUDIENCE", "all"));
        PresenceTestSupport.Client stranger = support.connect(all, "stranger", "elsewhere");
        support.connect(all, "alice", null);
        stranger.await("alice", "online");

        SwitchboardServer none = support.node("memory", Map.of("SWITCHBOARD_PRESENCE_AUDIENCE", "none"));
        PresenceTestSupport.Client colleague = support.connect(none, "colleague", "acme");
        support.connect(none, "bob", "acme");
        eventually(() -> colleague.queryUsers("bob"), answer -> online(answer, "bob", 1), "bob online");
        assertEquals(0, colleague.count("bob", "online", 300));
    }

    @Test
    void lastSeenIsKeptForTheRetentionOnly() {
        AtomicLong now = new AtomicLong(1_000);
        InMemoryPresenceStore store = new InMemoryPresenceStore(500, now::get);
        List<PresenceStore.Transition> transitions = new ArrayList<>();
        store.start(transitions::add);
        store.connected("u", List.of("o"));
        store.connected("u", List.of("o"));
        store.disconnected("u");
        now.set(1_100);
        store.disconnected("u");
        store.disconnected("u");   // one too many: ignored
        assertEquals(List.of(new PresenceStore.Transition("u", true, 1_000, List.of("o")),
                new PresenceStore.Transition("u", false, 1_100, List.of("o"))), transitions);
        assertEquals(1_100L, store.query(List.of("u")).join().get(0).lastSeen());
        now.set(1_600);
        assertNull(store.query(List.of("u")).join().get(0).lastSeen());
    }
}
