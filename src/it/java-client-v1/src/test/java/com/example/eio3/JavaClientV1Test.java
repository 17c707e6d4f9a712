package com.example.eio3;

import static com.example.eio3.V1Client.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.socket.client.Ack;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.Socket;
import io.switchboard.engine.EngineOptions;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Switchboard embedded with {@code allowEIO3}, serving io.socket:socket.io-client 1.x (Engine.IO 3, Socket.IO
 * protocol 4) over websocket, polling (binary as binary payloads) and polling upgraded to websocket.
 */
class JavaClientV1Test {
    private static final String TOKEN = "s3cret";

    private Server server;
    private String base;
    private final Map<String, CompletableFuture<Socket>> serverSockets = new ConcurrentHashMap<>();
    private final List<V1Client> clients = new CopyOnWriteArrayList<>();
    private final List<Server> servers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        Served served = serve(new EngineOptions().allowEIO3(true));
        server = served.server();
        base = served.url();
    }

    /** A server started on a free port, and its URL. */
    private record Served(Server server, String url) {
    }

    /** A server with the handlers of every test. */
    private Served serve(EngineOptions engine) throws InterruptedException {
        Server served = new Server(new ServerOptions().engine(engine));
        servers.add(served);
        served.onConnection(socket -> {
            serverSocket(socket.id()).complete(socket);
            // what came, and how it came: the transport and the Engine.IO protocol of the connection
            socket.on("echo", event ->
                    event.ack(event.arg(0), socket.transport(), socket.handshake().queryParam("EIO")));
            socket.on("reverse", event -> event.ack(reversed(event.arg(0, byte[].class))));
            socket.on("join", event -> {
                socket.join(event.arg(0).asText());
                event.ack("joined");
            });
        });
        served.of("/secure")
                .use((socket, next) -> {
                    JsonNode token = socket.handshake().auth().path("token");
                    if (token.isMissingNode()) {
                        next.accept(new ConnectError("no token"));
                    } else if (!TOKEN.equals(token.asText())) {
                        // data instead of the message, as protocol 4 sends it; a string: the 1.x client's
                        // decoder drops an ERROR packet whose payload is not one
                        next.accept(new ConnectError("bad token", "token " + token.asText() + " refused"));
                    } else {
                        next.accept(null);
                    }
                })
                .onConnection(socket -> socket.on("whoami", event ->
                        event.ack(socket.id(), socket.namespace().name(), socket.handshake().auth())));
        return new Served(served, "http://127.0.0.1:" + served.start("127.0.0.1", 0).getPort());
    }

    @AfterEach
    void stop() {
        clients.forEach(V1Client::close);
        servers.forEach(Server::close);
    }

    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void eventsAndAcksBothWays(ClientMode mode) throws Exception {
        V1Client client = client("/", mode).record("news");
        String id = client.connect();
        Socket serverSide = await(serverSocket(id));
        client.socket.on("question", args -> ((Ack) args[1]).call(((Integer) args[0]) * 2 + 2, "answered"));

        JSONObject rich = new JSONObject()
                .put("text", "héllo 😀 \"quoted\"")
                .put("list", new JSONArray().put(1).put(2.5).put(true).put(JSONObject.NULL));
        Object[] echoed = client.emitWithAck("echo", rich);
        ArrayNode answer = serverSide.timeout(V1Client.TIMEOUT_S * 1_000).emitWithAck("question", 20)
                .get(V1Client.TIMEOUT_S, TimeUnit.SECONDS);
        serverSide.emit("news", "from the server", Map.of("n", 7));

        JSONObject back = (JSONObject) echoed[0];
        assertEquals("héllo 😀 \"quoted\"", back.getString("text"));
        assertEquals(List.of(1, 2.5, true, JSONObject.NULL), List.of(
                back.getJSONArray("list").get(0), back.getJSONArray("list").get(1),
                back.getJSONArray("list").get(2), back.getJSONArray("list").get(3)));
        assertEquals(mode.transport, echoed[1], "the transport the server saw");
        assertEquals("3", echoed[2], "the Engine.IO protocol of the connection");
        assertEquals(42, answer.get(0).asInt());
        assertEquals("answered", answer.get(1).asText());
        Object[] news = client.next("news");
        assertEquals("from the server", news[1]);
        assertEquals(7, ((JSONObject) news[2]).getInt("n"));
    }

    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void binaryBothWays(ClientMode mode) throws Exception {
        V1Client client = client("/", mode).record("blob");
        Socket serverSide = await(serverSocket(client.connect()));
        byte[] every = everyByte();

        Object[] reversed = client.emitWithAck("reverse", (Object) every);
        Object[] echoed = client.emitWithAck("echo", new JSONObject()
                .put("name", "file").put("parts", new JSONArray().put(every).put(new byte[0])));
        serverSide.emit("blob", every, Map.of("nested", List.of(reversed(every), "text")));

        assertArrayEquals(reversed(every), (byte[]) reversed[0]);
        JSONObject file = (JSONObject) echoed[0];
        assertEquals("file", file.getString("name"));
        assertArrayEquals(every, (byte[]) file.getJSONArray("parts").get(0));
        assertArrayEquals(new byte[0], (byte[]) file.getJSONArray("parts").get(1));
        Object[] blob = client.next("blob");
        assertArrayEquals(every, (byte[]) blob[1]);
        JSONArray nested = ((JSONObject) blob[2]).getJSONArray("nested");
        assertArrayEquals(reversed(every), (byte[]) nested.get(0));
        assertEquals("text", nested.get(1));
    }

    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void namespaceAuthFromItsQuery(ClientMode mode) throws Exception {
        Object noToken = client("/secure", mode).refused();
        Object badToken = client("/secure?token=wrong", mode).refused();
        V1Client accepted = client("/secure?token=" + TOKEN, mode);
        String id = accepted.connect();

        // protocol 4's CONNECT_ERROR: the error's data, or else its message, is the client's "error" event
        assertEquals("no token", noToken);
        assertEquals("token wrong refused", badToken);
        Object[] whoami = accepted.emitWithAck("whoami");
        assertEquals(id, whoami[0], "the server's socket id is the one the client computed");
        assertTrue(id.startsWith("/secure#"), id);
        assertEquals("/secure", whoami[1]);
        assertEquals(TOKEN, ((JSONObject) whoami[2]).getString("token"));
    }

    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void roomBroadcastReachesMembersOnly(ClientMode mode) throws Exception {
        V1Client member = client("/", mode).record("news", "marker");
        V1Client outsider = client("/", mode).record("news", "marker");
        Socket memberSide = await(serverSocket(member.connect()));
        outsider.connect();

        assertEquals("joined", member.emitWithAck("join", "team")[0]);
        assertTrue(memberSide.rooms().contains("team"), memberSide.rooms().toString());
        server.to("team").emit("news", "team only", everyByte());
        server.emit("marker", "after the team's news");

        Object[] news = member.next("news");
        assertEquals("team only", news[1]);
        assertArrayEquals(everyByte(), (byte[]) news[2]);
        member.next("marker");
        // the marker went out after the room's news: had the outsider got the news, it would come first
        assertEquals("after the team's news", outsider.next("marker")[1]);
    }

    /**
     * Over websocket the client has no handler for the server's close frame (engine.io-client 1.x, as 2.x, has no
     * onClosing), so it notices the drop through its heartbeat: this server asks for a ping every 500 ms and the
     * client waits 3 s for the answer, so that it notices in seconds; over polling the pending GET brings the close
     * at once.
     */
    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void reconnectsWhenTheServerDropsTheConnection(ClientMode mode) throws Exception {
        Served served = serve(new EngineOptions().allowEIO3(true).pingInterval(500).pingTimeout(3_000));
        V1Client client = track(V1Client.create(URI.create(served.url()), mode, true));
        CompletableFuture<Object> pong = new CompletableFuture<>();
        client.socket.once(io.socket.client.Socket.EVENT_PONG, args -> pong.complete(args[0]));
        String firstId = client.connect();
        Socket first = await(serverSocket(firstId));
        // the Engine.IO 3 heartbeat: the client pings, the server answers (the client reports the latency)
        assertInstanceOf(Long.class, await(pong));
        CompletableFuture<String> serverReason = new CompletableFuture<>();
        first.onDisconnect(serverReason::complete);
        client.record(io.socket.client.Socket.EVENT_DISCONNECT, io.socket.client.Socket.EVENT_RECONNECT,
                io.socket.client.Socket.EVENT_CONNECT);

        // the Engine.IO session closed, with no Socket.IO DISCONNECT: a connection lost, not a kick
        served.server().engine().session(first.connectionId()).close();

        assertEquals("forced close", await(serverReason));
        Object clientReason = client.next(io.socket.client.Socket.EVENT_DISCONNECT)[1];
        assertTrue((mode == ClientMode.POLLING ? Set.of("transport close") : Set.of("ping timeout", "transport error"))
                .contains(clientReason), String.valueOf(clientReason));
        client.next(io.socket.client.Socket.EVENT_RECONNECT);
        client.next(io.socket.client.Socket.EVENT_CONNECT);
        String secondId = client.socket.id();
        assertNotEquals(firstId, secondId);
        await(serverSocket(secondId));
        Object[] echoed = client.emitWithAck("echo", "again");
        assertEquals("again", echoed[0]);
        assertTrue(List.of(mode.transports).contains(echoed[1]), String.valueOf(echoed[1]));
    }

    @ParameterizedTest
    @EnumSource(ClientMode.class)
    void refusedWhenEio3IsNotAllowed(ClientMode mode) throws Exception {
        try (Server v4Only = new Server(new ServerOptions())) {
            String url = "http://127.0.0.1:" + v4Only.start("127.0.0.1", 0).getPort();
            CompletableFuture<Socket> connected = new CompletableFuture<>();
            v4Only.onConnection(connected::complete);
            V1Client client = track(V1Client.create(URI.create(url), mode, false));

            Object error = client.connectError();

            // the handshake answered 400 (Unsupported protocol version): over websocket instead of the 101
            Throwable cause = assertInstanceOf(Exception.class, error).getCause();
            assertTrue(String.valueOf(cause).contains("400"), String.valueOf(cause));
            assertFalse(connected.isDone(), "the server took the socket");
        }
    }

    private V1Client client(String path, ClientMode mode) {
        return track(V1Client.create(URI.create(base + path), mode, false));
    }

    private V1Client track(V1Client client) {
        clients.add(client);
        return client;
    }

    private CompletableFuture<Socket> serverSocket(String id) {
        return serverSockets.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    private static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] result = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            result[i] = bytes[bytes.length - 1 - i];
        }
        return result;
    }
}
