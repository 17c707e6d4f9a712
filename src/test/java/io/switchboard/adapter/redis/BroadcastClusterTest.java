package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Broadcasts between three Switchboard nodes through Redis: every target selection and flag. */
class BroadcastClusterTest extends ThreeNodeCluster {
    @BeforeEach
    void start() throws InterruptedException {
        startCluster(options -> { }, Map.of());
    }

    @Test
    void broadcastReachesEveryNode() throws Exception {
        server(0).emit("hello", "world", Map.of("n", 1));
        for (TestClient client : List.of(a, b, c)) {
            Object[] event = client.next("hello");
            assertEquals("world", event[1]);
            assertEquals(1, ((JSONObject) event[2]).getInt("n"));
        }
    }

    @Test
    void binaryCrossesAsAttachments() throws Exception {
        byte[] bytes = "\u0000\u0001binary\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        server(1).emit("bin", bytes, Map.of("nested", bytes));
        for (TestClient client : List.of(a, b, c)) {
            Object[] event = client.next("bin");
            assertArrayEquals(bytes, (byte[]) event[1]);
            assertArrayEquals(bytes, (byte[]) ((JSONObject) event[2]).get("nested"));
        }
    }

    @Test
    void roomsAndExceptSelectAcrossNodes() {
        join(0, a, "r1");
        join(1, b, "r1", "r2");
        join(2, c, "r2", "x");
        // one sender: Redis keeps the order of one publisher only, and the marker must come last
        server(0).to("r1").emit("one-room");               // single-room channel
        server(0).to("r1", "r2").emit("two-rooms");         // base channel, each socket once
        server(0).to("r2").except("x").emit("except");
        server(0).emit("marker");
        assertEquals(List.of("one-room", "two-rooms", "marker"), a.namesUntil("marker"));
        assertEquals(List.of("one-room", "two-rooms", "except", "marker"), b.namesUntil("marker"));
        assertEquals(List.of("two-rooms", "marker"), c.namesUntil("marker"));
    }

    @Test
    void socketIdIsARoomAcrossNodes() {
        server(0).to(c.id()).emit("direct", "to-c");
        server(0).emit("marker");
        assertEquals(List.of("direct", "marker"), c.namesUntil("marker"));
        assertEquals(List.of("marker"), b.namesUntil("marker"));
    }

    @Test
    void socketBroadcastSkipsOnlyTheSender() {
        server(1).sockets().localSocket(b.id()).broadcast().emit("from-b");
        server(1).emit("marker");
        assertEquals(List.of("from-b", "marker"), a.namesUntil("marker"));
        assertEquals(List.of("marker"), b.namesUntil("marker"));
        assertEquals(List.of("from-b", "marker"), c.namesUntil("marker"));
    }

    @Test
    void localStaysOnItsNode() {
        server(2).sockets().local().emit("local-only");
        server(2).emit("marker");
        assertEquals(List.of("marker"), a.namesUntil("marker"));
        assertEquals(List.of("marker"), b.namesUntil("marker"));
        assertEquals(List.of("local-only", "marker"), c.namesUntil("marker"));
    }

    @Test
    void volatileAndCompressFlagsStillDeliverToReadyClients() {
        server(0).sockets().asVolatile().emit("volatile");
        server(0).sockets().compress(false).emit("uncompressed");
        for (TestClient client : List.of(a, b, c)) {
            assertEquals(List.of("volatile", "uncompressed"), client.namesUntil("uncompressed"));
        }
    }

    @Test
    void namespacesAreSeparate() {
        server(0).of("/chat");
        server(1).of("/chat");
        server(2).of("/chat");
        cluster.awaitReady("/chat");
        TestClient chatB = cluster.connect(1, "/chat");
        server(0).of("/chat").emit("chat-only");
        server(0).emit("marker");
        server(0).of("/chat").emit("marker");
        assertEquals(List.of("chat-only", "marker"), chatB.namesUntil("marker"));
        assertEquals(List.of("marker"), b.namesUntil("marker"));
        assertFalse(server(0).of("/chat").adapter() == server(0).sockets().adapter());
    }
}
