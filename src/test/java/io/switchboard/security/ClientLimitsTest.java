package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.TooManyRoomsException;
import io.switchboard.protocol.DecoderLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection ceilings, over a real websocket: namespaces per connection, the handshake auth size, rooms per
 * socket and the event name length. Each refusal is the protocol's own answer, and the connection (or the server)
 * goes on serving.
 */
class ClientLimitsTest {
    private Server server;
    private int port;
    private final RawClients clients = new RawClients();

    @AfterEach
    void stop() {
        clients.close();
        if (server != null) {
            server.close();
        }
    }

    private void start(ServerOptions options) throws InterruptedException {
        server = new Server(options);
        // any /n<digits> namespace exists on demand, as with a dynamic namespace in an application
        server.of(Pattern.compile("/n\\d+")).onConnection(socket ->
                socket.on("where", event -> event.ack(socket.namespace().name())));
        server.onConnection(socket -> {
            socket.on("where", event -> event.ack("/"));
            socket.on("join", event -> {
                List<String> rooms = new ArrayList<>();
                event.arg(0).forEach(room -> rooms.add(room.asText()));
                try {
                    socket.join(rooms);
                    event.ack(Map.of("ok", true));
                } catch (TooManyRoomsException e) {
                    event.ack(Map.of("error", e.getMessage()));
                }
            });
            socket.on("rooms", event -> event.ack(socket.rooms().size()));
        });
        port = server.start("127.0.0.1", 0).getPort();
    }

    private RawClient client() throws Exception {
        return clients.connect(port);
    }

    @Test
    void aConnectionJoinsAtMostMaxNamespacesAndStaysUsableAfterARefusal() throws Exception {
        start(new ServerOptions().maxNamespacesPerSession(3));
        RawClient client = client();
        assertTrue(client.connectTo("/", null).startsWith("0{\"sid\""));
        assertTrue(client.connectTo("/n1", null).startsWith("0/n1,{\"sid\""));
        assertTrue(client.connectTo("/n2", null).startsWith("0/n2,{\"sid\""));

        assertEquals("4/n3,{\"message\":\"Too many namespaces\"}", client.connectTo("/n3", null));
        // a refused client makes no dynamic namespace either
        assertEquals(List.of("/", "/n1", "/n2"), server.namespaces().keySet().stream().sorted().toList());
        assertEquals(1, server.engine().sessionCount());
        client.send("2/n1,7[\"where\"]");
        assertEquals("3/n1,7[\"/n1\"]", client.next());

        // leaving one namespace makes room for another
        client.send("1/n2,");
        assertTrue(client.connectTo("/n3", null).startsWith("0/n3,{\"sid\""));
        assertEquals(List.of("/", "/n1", "/n2", "/n3"), server.namespaces().keySet().stream().sorted().toList());
    }

    @Test
    void aConnectBeyondMaxAuthBytesGetsConnectErrorAndTheConnectionGoesOn() throws Exception {
        start(new ServerOptions().maxAuthBytes(200));
        RawClient client = client();
        String big = "{\"token\":\"" + "x".repeat(200) + "\"}";
        assertEquals("4{\"message\":\"Handshake auth too large\"}", client.connectTo("/", big));
        // multi-byte characters count as their UTF-8 bytes: 70 of them are 210 bytes
        String wide = "{\"token\":\"" + "\u20ac".repeat(70) + "\"}";
        assertEquals("4/n1,{\"message\":\"Handshake auth too large\"}", client.connectTo("/n1", wide));

        String small = "{\"token\":\"" + "x".repeat(100) + "\"}";
        assertTrue(client.connectTo("/", small).startsWith("0{\"sid\""));
        client.send("21[\"where\"]");
        assertEquals("31[\"/\"]", client.next());
    }

    @Test
    void joinsBeyondMaxRoomsPerSocketAreRefusedWholeAndTheSocketStaysIn() throws Exception {
        start(new ServerOptions().maxRoomsPerSocket(4));
        RawClient client = client();
        client.connectTo("/", null);
        client.send("21[\"join\",[\"a\",\"b\"]]");
        assertEquals("31[{\"ok\":true}]", client.next());
        // own room + a + b = 3; c and d would make 5
        client.send("22[\"join\",[\"c\",\"d\"]]");
        assertEquals("32[{\"error\":\"Too many rooms (at most 4 per socket)\"}]", client.next());
        client.send("23[\"rooms\"]");
        assertEquals("33[3]", client.next());
        // rooms already joined do not count twice
        client.send("24[\"join\",[\"a\",\"c\"]]");
        assertEquals("34[{\"ok\":true}]", client.next());
        client.send("25[\"join\",[\"e\"]]");
        assertEquals("35[{\"error\":\"Too many rooms (at most 4 per socket)\"}]", client.next());
    }

    /**
     * From a thread that is no event loop, each join is checked on the socket's loop when it runs there: those past
     * the limit are skipped; asking for more rooms than the limit at once throws at the caller.
     */
    @Test
    void socketJoinDoesNotGrowPastTheLimitWhateverTheCaller() throws Exception {
        start(new ServerOptions().maxRoomsPerSocket(50));
        RawClient client = client();
        client.connectTo("/", null);
        var socket = server.of("/").localSockets().iterator().next();
        for (int i = 0; i < 1_000; i++) {
            socket.join("room-" + i);
        }
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add("many-" + i);
        }
        assertEquals(50, assertThrows(TooManyRoomsException.class, () -> socket.join(tooMany)).limit());

        // fetchSockets collects on the socket's loop, after every join queued there from this thread
        var found = server.of("/").in(socket.id()).fetchSockets().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(50, found.get(0).rooms().size());
        assertTrue(found.get(0).rooms().contains("room-48"));
        assertTrue(!found.get(0).rooms().contains("room-49"));
    }

    @Test
    void anOverlongEventNameClosesThatConnectionOnly() throws Exception {
        start(new ServerOptions().decoderLimits(DecoderLimits.DEFAULTS.withMaxEventNameLength(16)));
        RawClient bystander = client();
        bystander.connectTo("/", null);
        RawClient client = client();
        client.connectTo("/", null);
        client.send("2[\"" + "e".repeat(17) + "\"]");
        client.awaitClose();

        bystander.send("21[\"where\"]");
        assertEquals("31[\"/\"]", bystander.next());
        RawClient next = client();
        assertTrue(next.connectTo("/", null).startsWith("0{\"sid\""));
    }

    @Test
    void theOptionsRefuseNonsense() {
        ServerOptions options = new ServerOptions();
        assertThrows(IllegalArgumentException.class, () -> options.maxNamespacesPerSession(0));
        assertThrows(IllegalArgumentException.class, () -> options.maxRoomsPerSocket(-1));
        assertThrows(IllegalArgumentException.class, () -> options.maxAuthBytes(0));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxEventNameLength(0));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxKeyLength(0));
        assertEquals(32, options.maxNamespacesPerSession());
        assertEquals(1_000, options.maxRoomsPerSocket());
        assertEquals(16 * 1024, options.maxAuthBytes());
    }

}
