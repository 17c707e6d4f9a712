package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.switchboard.core.Namespace;
import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Namespaces are walls: a socket cannot emit into a namespace it did not connect to, and broadcasts (to all, to a
 * room of the same name, to a socket id) never cross into another namespace, even over a shared connection.
 * (An emit to one namespace staying in it over one connection is also {@code javaclient.NamespaceTest}'s.)
 */
class NamespaceIsolationTest {
    private Server server;
    private int port;
    private final List<String> secretEvents = new CopyOnWriteArrayList<>();
    private final RawClients clients = new RawClients();

    @BeforeEach
    void start() throws InterruptedException {
        server = new Server();
        server.onConnection(socket -> {
            socket.join("shared-room");
            socket.on("ping", event -> event.ack("pong"));
        });
        Namespace secret = server.of("/secret");
        secret.use((socket, next) -> {
            String key = socket.handshake().auth().path("key").asText();
            next.accept("let-me-in".equals(key) ? null : new io.switchboard.core.ConnectError("not allowed"));
        });
        secret.onConnection(socket -> {
            socket.join("shared-room");
            socket.onAny((event, args) -> secretEvents.add(event));
        });
        port = server.start("127.0.0.1", 0).getPort();
    }

    @AfterEach
    void stop() {
        clients.close();
        server.close();
    }

    private RawClient client() throws Exception {
        return clients.connect(port);
    }

    @Test
    void anEventForANamespaceNotJoinedClosesTheConnectionAndReachesNoHandler() throws Exception {
        RawClient insider = client();
        assertTrue(insider.connectTo("/secret", "{\"key\":\"let-me-in\"}").startsWith("0/secret,"));

        RawClient outsider = client();
        assertTrue(outsider.connectTo("/", null).startsWith("0{"));
        outsider.send("2/secret,[\"steal\"]");
        outsider.awaitClose();

        RawClient refused = client();
        assertEquals("4/secret,{\"message\":\"not allowed\"}", refused.connectTo("/secret", "{\"key\":\"guess\"}"));
        refused.send("2/secret,1[\"steal\"]");
        refused.awaitClose();

        // the insider's own events still arrive, and are the only ones that did
        insider.send("2/secret,[\"mine\"]");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (secretEvents.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("mine"), secretEvents);
        assertEquals(1, server.of("/secret").localSockets().size());
    }

    @Test
    void broadcastsNeverCrossNamespacesEvenOverOneConnection() throws Exception {
        RawClient both = client();
        String mainReply = both.connectTo("/", null);
        String mainSid = mainReply.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        assertTrue(both.connectTo("/secret", "{\"key\":\"let-me-in\"}").startsWith("0/secret,"));
        RawClient onlyMain = client();
        onlyMain.connectTo("/", null);

        server.of("/secret").emit("to-all-secret");
        server.of("/secret").to("shared-room").emit("to-secret-room");
        // a socket id of "/" means nothing in "/secret"
        server.of("/secret").to(mainSid).emit("to-main-sid-in-secret");
        server.of("/").emit("marker");

        List<String> seen = new ArrayList<>();
        for (String packet = both.next(); !packet.equals("2[\"marker\"]"); packet = both.next()) {
            seen.add(packet);
        }
        assertEquals(List.of("2/secret,[\"to-all-secret\"]", "2/secret,[\"to-secret-room\"]"), seen);
        // the other client, never in /secret, saw only the main namespace's marker
        assertEquals("2[\"marker\"]", onlyMain.next());
        onlyMain.send("21[\"ping\"]");
        assertEquals("31[\"pong\"]", onlyMain.next());
    }
}
