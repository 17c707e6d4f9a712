package io.switchboard.server.admin;

import static io.switchboard.server.ratelimit.OpsTestSupport.WAIT;
import static io.switchboard.server.ratelimit.OpsTestSupport.request;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /admin namespace: who may connect, and its events, with the Java socket.io-client. */
class AdminNamespaceTest {
    private static final String ADMIN_KEY = "admin-key-for-the-ops-tests-0123";

    @TempDir
    Path dir;
    private OpsTestSupport support;
    private SwitchboardServer server;

    @BeforeEach
    void setUp() throws Exception {
        support = new OpsTestSupport(dir);
        server = support.start("admin:", "  key: " + ADMIN_KEY);
    }

    @AfterEach
    void tearDown() {
        support.close();
    }

    @Test
    void onlyTheKeyOrTheAdminRoleOpensTheNamespace() throws Exception {
        assertEquals("connect", support.connect(support.socket(server, "/admin", Map.of("key", ADMIN_KEY))));
        assertEquals("connect", support.connect(support.socket(server, "/admin",
                Map.of("token", token("root", "admin")))));
        assertEquals("connect_error: Admin access required",
                support.connect(support.socket(server, "/admin", Map.of("key", ADMIN_KEY + "x"))));
        assertEquals("connect_error: Admin access required",
                support.connect(support.socket(server, "/admin", Map.of("token", token("alice", "user")))));
        assertEquals("connect_error: Authentication required",
                support.connect(support.socket(server, "/admin", Map.of())));
        // a normal namespace does not take the admin key instead of a token
        assertEquals("connect_error: Authentication required",
                support.connect(support.socket(server, "/", Map.of("key", ADMIN_KEY))));
    }

    @Test
    void statsListAndDisconnect() throws Exception {
        Socket alice = support.connected(server, "/", Map.of("token", token("alice")));
        Socket alice2 = support.connected(server, "/chat", Map.of("token", token("alice")));
        Socket bob = support.connected(server, "/", Map.of("token", token("bob")));
        Socket admin = support.connected(server, "/admin", Map.of("key", ADMIN_KEY));

        JSONObject stats = (JSONObject) request(admin, "get-stats").get(WAIT, TimeUnit.SECONDS);
        assertEquals(1, stats.getInt("nodes"), stats.toString());
        assertEquals(3, stats.getInt("connections"), stats.toString());
        assertEquals(2, stats.getInt("namespaces"), stats.toString());   // "/" and "/chat"; /admin not counted
        // user:alice and user:bob on "/", user:alice on "/chat"
        assertEquals(3, stats.getInt("rooms"), stats.toString());
        JSONObject node = stats.getJSONObject("node");
        assertEquals(3, node.getInt("connections"));
        assertEquals(3, node.getInt("rooms"));

        JSONObject listed = (JSONObject) request(admin, "list-sockets", new JSONObject(Map.of("room", "user:alice")))
                .get(WAIT, TimeUnit.SECONDS);
        JSONArray sockets = listed.getJSONArray("sockets");
        assertEquals(1, sockets.length());
        assertEquals(alice.id(), sockets.getJSONObject(0).getString("id"));
        assertEquals("alice", sockets.getJSONObject(0).getJSONObject("user").getString("sub"));

        CompletableFuture<String> aliceGone = new CompletableFuture<>();
        CompletableFuture<String> alice2Gone = new CompletableFuture<>();
        alice.on(Socket.EVENT_DISCONNECT, args -> aliceGone.complete(String.valueOf(args[0])));
        alice2.on(Socket.EVENT_DISCONNECT, args -> alice2Gone.complete(String.valueOf(args[0])));
        JSONObject done = (JSONObject) request(admin, "disconnect-sockets", new JSONObject(Map.of("userId", "alice")))
                .get(WAIT, TimeUnit.SECONDS);
        assertEquals(2, done.getInt("disconnected"), done.toString());
        assertEquals("io server disconnect", aliceGone.get(WAIT, TimeUnit.SECONDS));
        assertEquals("io server disconnect", alice2Gone.get(WAIT, TimeUnit.SECONDS));

        JSONObject byId = (JSONObject) request(admin, "disconnect-sockets", new JSONObject(Map.of("id", bob.id())))
                .get(WAIT, TimeUnit.SECONDS);
        assertEquals(1, byId.getInt("disconnected"), byId.toString());

        JSONObject bad = (JSONObject) request(admin, "list-sockets", new JSONObject()).get(WAIT, TimeUnit.SECONDS);
        assertEquals("room is required", bad.getString("error"));
    }

    @Test
    void noOtherNamespaceReachesTheAdminEvents() throws Exception {
        server.server().onConnection(socket -> socket.on("echo", event -> event.ack("echo")));
        Socket user = support.connected(server, "/", Map.of("token", token("alice", "admin")));
        CompletableFuture<Object> stats = request(user, "get-stats");
        CompletableFuture<Object> disconnect = request(user, "disconnect-sockets",
                new JSONObject(Map.of("userId", "alice")));
        // events are handled in order: once the echo is answered, the admin events were seen and ignored
        assertEquals("echo", request(user, "echo").get(WAIT, TimeUnit.SECONDS));
        assertFalse(stats.isDone());
        assertFalse(disconnect.isDone());
        assertTrue(user.connected());
    }
}
