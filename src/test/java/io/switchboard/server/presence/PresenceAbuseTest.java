package io.switchboard.server.presence;

import static io.switchboard.server.presence.PresenceTestSupport.eventually;
import static io.switchboard.server.presence.PresenceTestSupport.offline;
import static io.switchboard.server.presence.PresenceTestSupport.online;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Presence against a user who flaps their connection and a user of another org who asks about this one. */
class PresenceAbuseTest {
    private static final String EVIL_KEY = "evil-org-key-0123456789abcdef";
    private static final String ACME_KEY = "acme-org-key-0123456789abcdef";
    private final PresenceTestSupport support = new PresenceTestSupport();

    @AfterEach
    void close() {
        support.close();
    }

    @Test
    void flappingConnectionsGiveAWatcherABoundedNumberOfPresenceEvents() throws Exception {
        SwitchboardServer node = support.node("memory", Map.of("SWITCHBOARD_PRESENCE_OFFLINE_GRACE", "2000"));
        PresenceTestSupport.Client watcher = support.connect(node, "watcher", "acme");
        int cycles = 30;
        for (int i = 0; i < cycles; i++) {
            support.connect(node, "alice", "acme").disconnect();
        }
        // the watcher is not held up meanwhile
        long start = System.nanoTime();
        assertTrue(watcher.queryUsers("alice").has("users"));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 5_000);

        // once online, once offline when the grace period after the last disconnection is over
        watcher.await("alice", "offline");
        long online = watcher.count("alice", "online", 2_500);
        long gone = watcher.count("alice", "offline", 0);
        assertEquals(1, online, "online announcements for " + cycles + " connections: " + watcher.seen);
        assertEquals(1, gone, "offline announcements for " + cycles + " connections: " + watcher.seen);
        assertTrue(offline(watcher.queryUsers("alice"), "alice"));
    }

    @Test
    void aReconnectWithinTheGracePeriodIsNotAnnouncedButALongerAbsenceIs() throws Exception {
        SwitchboardServer node = support.node("memory", Map.of("SWITCHBOARD_PRESENCE_OFFLINE_GRACE", "1500"));
        PresenceTestSupport.Client watcher = support.connect(node, "watcher", "acme");
        PresenceTestSupport.Client first = support.connect(node, "bob", "acme");
        watcher.await("bob", "online");
        first.disconnect();
        PresenceTestSupport.Client second = support.connect(node, "bob", "acme");
        eventually(() -> watcher.queryUsers("bob"), answer -> online(answer, "bob", 1), "bob once");
        assertEquals(0, watcher.count("bob", "offline", 2_000), "back within the grace period: " + watcher.seen);
        second.disconnect();
        watcher.await("bob", "offline");
        assertEquals(1, watcher.count("bob", "online", 0));
    }

    @Test
    void aQueryAnswersOnlyAboutRoomsTheAskerMayJoinAndUsersOfTheirOrg() throws Exception {
        SwitchboardServer node = support.node("memory", Map.of());
        PresenceTestSupport.Client alice = support.connect(node, "alice", "acme");
        alice.join("org:acme:payroll");
        PresenceTestSupport.Client colleague = support.connect(node, "carol", "acme");
        PresenceTestSupport.Client eve = support.connect(node, "eve", "evil");

        for (String room : new String[] {"org:acme", "org:acme:payroll", "user:alice"}) {
            JsonNode answer = eve.queryRoom(room);
            assertEquals("forbidden", answer.path("error").asText(), room + ": " + answer);
            assertEquals(0, answer.path("users").size(), answer.toString());
        }
        JsonNode users = eve.queryUsers("alice", "carol", "eve");
        assertTrue(offline(users, "alice") && offline(users, "carol"), "other org hidden: " + users);
        assertTrue(PresenceTestSupport.user(users, "alice").path("lastSeen").isNull());
        assertTrue(online(users, "eve", 1), "oneself is visible: " + users);
        assertEquals(1, eve.queryRoom("org:evil").path("users").size(), "its own org room");

        assertTrue(online(colleague.queryUsers("alice"), "alice", 1));
        assertEquals(1, colleague.queryRoom("org:acme:payroll").path("users").size());
        assertEquals(2, colleague.queryRoom("org:acme").path("users").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void theLastSeenOfAUserIsKeptFromOtherOrgs(String adapter) throws Exception {
        SwitchboardServer node = support.node(adapter, Map.of());
        PresenceTestSupport.Client colleague = support.connect(node, "carol", "acme");
        PresenceTestSupport.Client eve = support.connect(node, "eve", "evil");
        support.connect(node, "alice", "acme").disconnect();
        colleague.await("alice", "offline");
        JsonNode seen = eventually(() -> colleague.queryUsers("alice"),
                answer -> !PresenceTestSupport.user(answer, "alice").path("lastSeen").isNull(), "alice last seen");
        assertTrue(offline(seen, "alice"), seen.toString());
        JsonNode hidden = eve.queryUsers("alice");
        assertTrue(offline(hidden, "alice") && PresenceTestSupport.user(hidden, "alice").path("lastSeen").isNull(),
                "another org learns nothing: " + hidden);
    }

    @Test
    void anOrgScopedApiKeySeesOnlyItsOrg() throws Exception {
        SwitchboardServer node = support.node("memory", Map.of("SWITCHBOARD_API_ORG_KEYS",
                "evil=" + EVIL_KEY + ",acme=" + ACME_KEY));
        support.connect(node, "alice", "acme").join("org:acme:payroll");

        PresenceTestSupport.HttpResult room = PresenceTestSupport.get(node, "/api/presence?room=org:acme:payroll",
                EVIL_KEY);
        assertEquals(403, room.status(), room.body().toString());
        PresenceTestSupport.HttpResult users = PresenceTestSupport.get(node, "/api/presence?users=alice", EVIL_KEY);
        assertEquals(200, users.status());
        assertTrue(offline(users.body(), "alice"), users.body().toString());
        assertEquals(403, PresenceTestSupport.get(node, "/api/sockets?room=org:acme", EVIL_KEY).status());

        assertTrue(online(PresenceTestSupport.get(node, "/api/presence?users=alice", ACME_KEY).body(), "alice", 1));
        assertEquals(1, PresenceTestSupport.get(node, "/api/presence?room=org:acme:payroll", ACME_KEY).body()
                .path("users").size());
        // a full key still sees everything
        assertTrue(online(PresenceTestSupport.get(node, "/api/presence?users=alice").body(), "alice", 1));
    }
}
