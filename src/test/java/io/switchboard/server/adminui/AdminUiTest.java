package io.switchboard.server.adminui;

import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigLoader;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** The Admin UI's namespace on one node, with the Java socket.io-client in the UI's place. */
class AdminUiTest {
    static final String NAMESPACE = "/admin-ui";
    static final String PASSWORD = "correct horse battery staple";
    /** bcrypt at its lowest cost, so that the tests spend no time hashing; the server reads any cost. */
    static final String HASH = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));

    @TempDir
    Path dir;
    private OpsTestSupport support;

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() {
        support.close();
    }

    static String[] adminUi(String... more) {
        return adminUiOf("node-under-test", more);
    }

    /** The YAML lines of an enabled Admin UI on a node of this id, then more lines. */
    static String[] adminUiOf(String serverId, String... more) {
        List<String> lines = new ArrayList<>(List.of("adminUi:", "  enabled: true", "  username: admin",
                "  passwordHash: \"" + HASH + "\"", "  serverId: " + serverId));
        lines.addAll(List.of(more));
        return lines.toArray(String[]::new);
    }

    private AdminUiClient login(SwitchboardServer server, Map<String, String> auth) throws Exception {
        AdminUiClient ui = new AdminUiClient(support, server, NAMESPACE, auth);
        assertEquals("connect", support.connect(ui.socket));
        return ui;
    }

    private static JSONArray features(AdminUiClient ui) throws Exception {
        return ((JSONObject) ui.next("config")[0]).getJSONArray("supportedFeatures");
    }

    static int socketsOn(JSONObject stats, String nsp) {
        JSONArray namespaces = stats.optJSONArray("namespaces");
        for (int i = 0; i < namespaces.length(); i++) {
            if (namespaces.optJSONObject(i).optString("name").equals(nsp)) {
                return namespaces.optJSONObject(i).optInt("socketsCount");
            }
        }
        return 0;
    }

    static List<Object> strings(JSONArray array) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < array.length(); i++) {
            list.add(array.opt(i));
        }
        return list;
    }

    @Test
    void theBcryptHashOpensTheNamespaceAndItsSessionOpensItAgain() throws Exception {
        SwitchboardServer server = support.start(adminUi());
        AdminUiClient ui = login(server, Map.of("username", "admin", "password", PASSWORD));
        String sessionId = (String) ui.next("session")[0];
        assertEquals(32, sessionId.length(), sessionId);
        JSONArray features = features(ui);
        assertEquals(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT",
                "AGGREGATED_EVENTS", "ALL_EVENTS"), strings(features));

        // a reconnection shows the session id instead of the password, and gets no new session
        AdminUiClient again = login(server, Map.of("sessionId", sessionId));
        assertEquals(strings(features), strings(features(again)));
        assertFalse(again.got("session"));
    }

    @Test
    void wrongCredentialsAndUnknownSessionsAreRefused() throws Exception {
        SwitchboardServer server = support.start(adminUi());
        for (Map<String, String> auth : List.of(Map.of("username", "admin", "password", PASSWORD + "!"),
                Map.of("username", "root", "password", PASSWORD), Map.of("username", "admin"), Map.<String, String>of(),
                Map.of("password", HASH), Map.of("sessionId", "0123456789abcdef0123456789abcdef"),
                Map.of("username", "admin", "password", PASSWORD.repeat(4)))) {
            assertEquals("connect_error: invalid credentials",
                    support.connect(support.socket(server, NAMESPACE, auth)), auth.toString());
        }
        // the seed's own /admin namespace is untouched: the UI's credentials do not open it
        assertEquals("connect_error: Authentication required", support.connect(support.socket(server, "/admin",
                Map.of("username", "admin", "password", PASSWORD))));
    }

    @Test
    void theConfigurationRefusesAPlainPasswordAndTheSeedsAdminNamespace() throws Exception {
        String plain = String.join("\n", "adminUi:", "  enabled: true", "  username: admin",
                "  passwordHash: " + PASSWORD.replace(' ', '-'), "");
        Path file = Files.writeString(dir.resolve("plain.yml"), plain);
        ConfigException error = assertThrows(ConfigException.class,
                () -> SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of())));
        assertTrue(error.getMessage().contains("bcrypt"), error.getMessage());
        Path clash = Files.writeString(dir.resolve("clash.yml"), String.join("\n", adminUi("  namespace: /admin"))
                + "\n");
        error = assertThrows(ConfigException.class,
                () -> SwitchboardServer.create(ConfigLoader.load(clash, Map.of(), Map.of())));
        assertTrue(error.getMessage().contains("/admin"), error.getMessage());
    }

    @Test
    void developmentModeTellsOfEverySocketRoomAndEventAndRunsTheCommands() throws Exception {
        SwitchboardServer server = support.start(adminUi());
        Socket alice = support.connected(server, "/", Map.of("token", token("alice")));
        AdminUiClient ui = login(server, Map.of("username", "admin", "password", PASSWORD));
        JSONArray all = (JSONArray) ui.next("all_sockets")[0];
        JSONObject seen = null;
        for (int i = 0; i < all.length(); i++) {
            if (all.getJSONObject(i).getString("id").equals(alice.id())) {
                seen = all.getJSONObject(i);
            }
        }
        assertTrue(seen != null, all.toString());
        assertEquals("/", seen.getString("nsp"));
        assertEquals("websocket", seen.getString("transport"));
        assertEquals(12, seen.getString("clientId").length());
        assertFalse(seen.getJSONObject("data").has("_admin"), seen.toString());
        assertTrue(strings(seen.getJSONArray("rooms")).contains("user:alice"), seen.toString());
        assertEquals("127.0.0.1", seen.getJSONObject("handshake").getString("address"));

        Socket bob = support.connected(server, "/", Map.of("token", token("bob")));
        JSONObject connected = (JSONObject) ui.next("socket_connected",
                args -> ((JSONObject) args[0]).optString("id").equals(bob.id()))[0];
        assertEquals("/", connected.getString("nsp"));
        // the identity rooms are joined by a connection handler, after the socket is told of
        ui.next("room_joined", args -> args[0].equals("/") && args[1].equals("user:bob") && args[2].equals(bob.id()));

        // join: bob's socket enters a room, the UI hears it; emit to that room reaches bob only
        ui.socket.emit("join", "/", "lobby", bob.id());
        ui.next("room_joined", args -> args[1].equals("lobby") && args[2].equals(bob.id()));
        CompletableFuture<Object> toBob = new CompletableFuture<>();
        CompletableFuture<Object> toAlice = new CompletableFuture<>();
        bob.on("announcement", args -> toBob.complete(args[0]));
        alice.on("announcement", args -> toAlice.complete(args[0]));
        ui.socket.emit("emit", "/", "lobby", "announcement", new JSONObject(Map.of("text", "hello lobby")));
        assertEquals("hello lobby", ((JSONObject) toBob.get(OpsTestSupport.WAIT, TimeUnit.SECONDS)).getString("text"));
        ui.next("event_sent", args -> args[1].equals(bob.id())
                && ((JSONArray) args[2]).optString(0).equals("announcement"));
        // the same emit to the whole namespace reaches alice: had the first reached her, it would be this one
        ui.socket.emit("emit", "/", null, "announcement", new JSONObject(Map.of("text", "hello all")));
        assertEquals("hello all", ((JSONObject) toAlice.get(OpsTestSupport.WAIT, TimeUnit.SECONDS)).getString("text"));

        // an event a client sends is told with its arguments
        alice.emit("typing", new JSONObject(Map.of("on", true)));
        Object[] received = ui.next("event_received", args -> args[1].equals(alice.id()));
        assertEquals("typing", ((JSONArray) received[2]).getString(0));
        assertTrue(((JSONArray) received[2]).getJSONObject(1).getBoolean("on"));

        ui.socket.emit("leave", "/", "lobby", bob.id());
        ui.next("room_left", args -> args[1].equals("lobby") && args[2].equals(bob.id()));

        // _disconnect with the socket's id as the filter: bob goes, alice stays
        String bobId = bob.id();   // the client forgets its id once disconnected
        CompletableFuture<Object> bobGone = new CompletableFuture<>();
        bob.on(Socket.EVENT_DISCONNECT, args -> bobGone.complete(args[0]));
        ui.socket.emit("_disconnect", "/", false, bobId);
        assertEquals("io server disconnect", bobGone.get(OpsTestSupport.WAIT, TimeUnit.SECONDS));
        Object[] gone = ui.next("socket_disconnected", args -> args[1].equals(bobId));
        assertEquals("/", gone[0]);
        assertEquals("server namespace disconnect", gone[2]);
        assertTrue(alice.connected());
    }

    @Test
    void serverStatsCarryTheNodesFiguresEveryTwoSeconds() throws Exception {
        SwitchboardServer server = support.start(adminUi());
        AdminUiClient ui = login(server, Map.of("username", "admin", "password", PASSWORD));
        Socket alice = support.connected(server, "/chat", Map.of("token", token("alice")));
        alice.emit("hello", "x".repeat(1000));
        // the stats that count alice's connection and her 1000-character event
        long bytesIn = 0;
        long connections = 0;
        JSONObject stats = null;
        long first = System.nanoTime();
        int reports = 0;
        while (bytesIn < 1000 || connections < 2) {
            stats = (JSONObject) ui.next("server_stats")[0];
            reports++;
            JSONArray events = stats.getJSONArray("aggregatedEvents");
            for (int i = 0; i < events.length(); i++) {
                JSONObject event = events.getJSONObject(i);
                assertEquals(0, event.getLong("timestamp") % 1000, event.toString());
                switch (event.getString("type")) {
                    case "bytesIn" -> bytesIn += event.getLong("count");
                    case "rawConnection" -> connections += event.getLong("count");
                    default -> { }
                }
            }
        }
        assertEquals("node-under-test", stats.getString("serverId"));
        assertEquals(ProcessHandle.current().pid(), stats.getLong("pid"));
        assertFalse(stats.getString("hostname").isEmpty());
        assertTrue(stats.getDouble("uptime") > 0, stats.toString());
        assertEquals(2, stats.getInt("clientsCount"), stats.toString());   // the UI's connection and alice's
        assertEquals(0, stats.getInt("pollingClientsCount"), stats.toString());
        JSONArray namespaces = stats.getJSONArray("namespaces");
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < namespaces.length(); i++) {
            counts.put(namespaces.getJSONObject(i).getString("name"), namespaces.getJSONObject(i).getInt("socketsCount"));
        }
        assertEquals(1, counts.get("/chat"), counts.toString());
        assertEquals(1, counts.get(NAMESPACE), counts.toString());
        // reports come every 2 s: a few seconds for the first ones, never a flood
        assertTrue(System.nanoTime() - first >= (reports - 1) * 1_500_000_000L, reports + " reports");
        assertNotEquals(null, stats.opt("aggregatedEvents"));
    }

    @Test
    void readonlyModeOffersAndRunsNoCommand() throws Exception {
        SwitchboardServer server = support.start(adminUi("  readonly: true"));
        Socket alice = support.connected(server, "/", Map.of("token", token("alice")));
        AdminUiClient ui = login(server, Map.of("username", "admin", "password", PASSWORD));
        assertEquals(List.of("AGGREGATED_EVENTS", "ALL_EVENTS"), strings(features(ui)));
        CompletableFuture<Object> disconnected = new CompletableFuture<>();
        CompletableFuture<Object> announced = new CompletableFuture<>();
        alice.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(args[0]));
        alice.on("announcement", args -> announced.complete(args[0]));
        ui.socket.emit("join", "/", "lobby", alice.id());
        ui.socket.emit("emit", "/", null, "announcement", "refused");
        ui.socket.emit("_disconnect", "/", true, alice.id());
        // the commands went before this event of alice's, on the UI's connection: by the time the UI hears of it
        // two reports later, a command that ran would have shown (handled in order on a loop, sent before it)
        alice.emit("still-here");
        ui.next("event_received", args -> args[1].equals(alice.id()));
        ui.next("server_stats");
        ui.next("server_stats");
        assertFalse(ui.got("room_joined"));
        assertFalse(announced.isDone());
        assertFalse(disconnected.isDone());
        assertTrue(alice.connected());
    }

    @Test
    void productionModeSendsFiguresOnlyNoSocketOrEvent() throws Exception {
        SwitchboardServer server = support.start(adminUi("  mode: production"));
        AdminUiClient ui = login(server, Map.of("username", "admin", "password", PASSWORD));
        assertEquals(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT",
                "AGGREGATED_EVENTS"), strings(features(ui)));
        Socket alice = support.connected(server, "/", Map.of("token", token("alice")));
        alice.emit("typing");
        // a report that counts alice on "/", then one made after she left it (the per-socket events of development
        // mode are sent at once, so before these), then one more
        while (socketsOn((JSONObject) ui.next("server_stats")[0], "/") != 1) {
            continue;
        }
        alice.disconnect();
        while (socketsOn((JSONObject) ui.next("server_stats")[0], "/") != 0) {
            continue;
        }
        ui.next("server_stats");
        for (String event : List.of("all_sockets", "socket_connected", "socket_disconnected", "room_joined",
                "event_received", "event_sent", "socket_updated")) {
            assertFalse(ui.got(event), event);
        }
    }
}
