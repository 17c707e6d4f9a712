package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;



import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The private session id (pid) of connection state recovery is good for one recovery of its own namespace: used
 * once, it cannot be replayed, and it recovers nothing in another namespace.
 */
class RecoveryReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Server server;
    private int port;
    private final RawClients clients = new RawClients();

    @BeforeEach
    void start() throws InterruptedException {
        server = new Server(new ServerOptions().connectionStateRecovery(new RecoveryOptions(60_000, true)));
        server.of("/a");
        server.of("/b");
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

    /** The {sid, pid} of a CONNECT reply such as {@code 0/a,{"sid":"..","pid":".."}}. */
    private static JsonNode reply(String packet) throws Exception {
        assertTrue(packet.startsWith("0"), packet);
        return JSON.readTree(packet.substring(packet.indexOf('{')));
    }

    /** Connects, then drops the connection the way a network failure would, and waits until the server noticed. */
    private JsonNode connectAndDrop(String namespace) throws Exception {
        RawClient client = client();
        JsonNode ids = reply(client.connectTo(namespace, null));
        client.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.of(namespace).localSockets().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(server.of(namespace).localSockets().isEmpty());
        return ids;
    }

    private JsonNode reconnect(String namespace, String pid) throws Exception {
        return reply(client().connectTo(namespace, "{\"pid\":\"" + pid + "\"}"));
    }

    @Test
    void aPidRecoversOnceAndCannotBeReplayed() throws Exception {
        JsonNode first = connectAndDrop("/a");
        String pid = first.get("pid").asText();

        JsonNode recovered = reconnect("/a", pid);
        assertEquals(first.get("sid"), recovered.get("sid"));

        // a second client with the same pid, while the recovered socket is connected
        JsonNode replay = reconnect("/a", pid);
        assertNotEquals(first.get("sid"), replay.get("sid"));
        assertNotEquals(pid, replay.get("pid").asText());
        assertEquals(2, server.of("/a").localSockets().size());
    }

    @Test
    void aPidOfOneNamespaceRecoversNothingInAnother() throws Exception {
        JsonNode inA = connectAndDrop("/a");
        String pid = inA.get("pid").asText();

        JsonNode inB = reconnect("/b", pid);
        assertNotEquals(inA.get("sid"), inB.get("sid"));
        assertNotEquals(pid, inB.get("pid").asText());

        // nor did the attempt use it up: it still recovers its own namespace's socket
        assertEquals(inA.get("sid"), reconnect("/a", pid).get("sid"));
    }

    @Test
    void aMadeUpPidRecoversNothing() throws Exception {
        JsonNode dropped = connectAndDrop("/a");
        String pid = dropped.get("pid").asText();
        JsonNode guessed = reconnect("/a", pid.substring(0, pid.length() - 1) + (pid.endsWith("A") ? "B" : "A"));
        assertNotEquals(dropped.get("sid"), guessed.get("sid"));
        assertEquals(dropped.get("sid"), reconnect("/a", pid).get("sid"));
    }
}
