package io.switchboard.server.adminui;

import static io.switchboard.server.adminui.AdminUiTest.NAMESPACE;
import static io.switchboard.server.adminui.AdminUiTest.PASSWORD;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on the real Redis (a prefix of their own): a login on one opens the other, and the UI connected to one
 * node hears and commands the other. A node that cannot reach Redis fails to start, so does this test.
 */
class AdminUiClusterTest {
    @TempDir
    Path dir;
    private OpsTestSupport support;
    private final String prefix = "adminui-test-" + UUID.randomUUID();
    private final String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() {
        support.close();
    }

    private SwitchboardServer node(String id) throws Exception {
        return support.start(AdminUiTest.adminUiOf(id, "adapter:", "  type: redis", "  redis:",
                "    url: " + redisUrl, "    keyPrefix: " + prefix));
    }

    @Test
    void aLoginServesEveryNodeAndTheUiSeesAndCommandsTheWholeCluster() throws Exception {
        SwitchboardServer a = node("node-a");
        SwitchboardServer b = node("node-b");
        AdminUiClient first = new AdminUiClient(support, a, NAMESPACE, Map.of("username", "admin", "password", PASSWORD));
        assertEquals("connect", support.connect(first.socket));
        String sessionId = (String) first.next("session")[0];

        // the session is a Redis key with the reference's layout and a TTL of the session duration
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            String key = prefix + "-admin#" + sessionId;
            assertEquals("1", redis.sync().get(key));
            long ttl = redis.sync().ttl(key);
            assertTrue(ttl > 86_000 && ttl <= 86_400, "ttl " + ttl);
        } finally {
            client.shutdown();
        }

        Socket alice = support.connected(a, "/", Map.of("token", token("alice")));
        AdminUiClient ui = new AdminUiClient(support, b, NAMESPACE, Map.of("sessionId", sessionId));
        assertEquals("connect", support.connect(ui.socket));
        // all_sockets on b lists alice's socket on a
        JSONArray all = (JSONArray) ui.next("all_sockets")[0];
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < all.length(); i++) {
            ids.add(all.getJSONObject(i).getString("id"));
        }
        assertTrue(ids.contains(alice.id()), all.toString());
        // both nodes' stats reach the UI on b
        Set<String> servers = new HashSet<>();
        while (servers.size() < 2) {
            servers.add(((JSONObject) ui.next("server_stats")[0]).getString("serverId"));
        }
        assertEquals(Set.of("node-a", "node-b"), servers);

        // a join from b's UI moves alice's socket on a; a's event for it reaches the UI on b
        ui.socket.emit("join", "/", "vip", alice.id());
        ui.next("room_joined", args -> args[1].equals("vip") && args[2].equals(alice.id()));
        CompletableFuture<Object> got = new CompletableFuture<>();
        alice.on("notice", args -> got.complete(args[0]));
        ui.socket.emit("emit", "/", "vip", "notice", "from node b");
        assertEquals("from node b", got.get(OpsTestSupport.WAIT, TimeUnit.SECONDS));
        ui.next("event_sent", args -> args[1].equals(alice.id()));

        // a disconnect from b's UI closes alice's socket on a, and a tells every UI
        String aliceId = alice.id();
        ui.socket.emit("_disconnect", "/", false, aliceId);
        Object[] gone = ui.next("socket_disconnected", args -> args[1].equals(aliceId));
        assertEquals("server namespace disconnect", gone[2]);
    }
}
