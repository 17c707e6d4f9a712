package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.core.RemoteSocket;
import io.switchboard.protocol.EventArgs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sharded variant (SSUBSCRIBE/SPUBLISH, dynamic mode) between three nodes. */
class ShardedClusterTest extends ThreeNodeCluster {
    @BeforeEach
    void start() throws InterruptedException {
        startCluster(options -> options.sharded(true), Map.of());
    }

    private List<String> shardChannels() {
        return cluster.redis.sync().pubsubShardChannels(cluster.key + "*");
    }

    @Test
    void broadcastsWithRoomChannelsAndExcept() {
        server(1).sockets().localSocket(b.id()).join("blue");
        ClusterFixture.eventually("room channel subscribed", () -> shardChannels().contains(cluster.key + "#/#blue#"));
        byte[] bytes = "bin".getBytes(StandardCharsets.UTF_8);
        server(0).emit("all", bytes);
        server(0).to("blue").emit("blue-only");                 // the room's own channel
        server(0).to(c.id()).emit("to-c");                      // socket ids (20 characters) stay on the main channel
        server(0).except("blue").emit("not-blue");
        server(0).emit("marker");
        assertEquals(List.of("all", "not-blue", "marker"), a.namesUntil("marker"));
        assertEquals(List.of("all", "blue-only", "marker"), b.namesUntil("marker"));
        assertEquals(List.of("all", "to-c", "not-blue", "marker"), c.namesUntil("marker"));

        server(1).sockets().localSocket(b.id()).leave("blue");
        ClusterFixture.eventually("room channel dropped", () -> !shardChannels().contains(cluster.key + "#/#blue#"));
    }

    @Test
    void acksFetchAndServerSideEmit() {
        List<JsonNode> answers = TestClient.await(server(2).sockets().timeout(3_000).emitWithAck("ask", "s"));
        Set<String> ids = new TreeSet<>();
        answers.forEach(answer -> ids.add(answer.path("id").asText()));
        assertEquals(new TreeSet<>(Set.of(a.id(), b.id(), c.id())), ids);

        server(0).sockets().localSocket(a.id()).data().put("k", "v");
        List<RemoteSocket> fetched = TestClient.await(server(1).fetchSockets());
        assertEquals(3, fetched.size());
        assertEquals("v", fetched.stream().filter(s -> s.id().equals(a.id())).findFirst().orElseThrow().data()
                .get("k"));

        for (int i = 0; i < 3; i++) {
            int node = i;
            server(i).sockets().onServerSideEmit("q", (args, ack) -> ack.accept(new EventArgs().toNode("n" + node)));
        }
        ArrayNode replies = TestClient.await(server(0).sockets().serverSideEmitWithAck(0, "q"));
        assertEquals(2, replies.size());
        assertEquals(3, TestClient.await(server(0).sockets().adapter().serverCount()));
    }

    @Test
    void joinLeaveDisconnectApplyOnceEverywhere() {
        server(0).sockets().socketsJoin("everyone");
        ClusterFixture.eventually("all joined", () ->
                server(1).sockets().localSocket(b.id()).rooms().contains("everyone")
                        && server(2).sockets().localSocket(c.id()).rooms().contains("everyone")
                        && server(0).sockets().localSocket(a.id()).rooms().contains("everyone"));
        server(2).in(b.id()).socketsLeave("everyone");
        ClusterFixture.eventually("b left", () ->
                !server(1).sockets().localSocket(b.id()).rooms().contains("everyone"));
        server(1).in("everyone").disconnectSockets(false);
        assertEquals("io server disconnect", a.next("disconnect")[1]);
        assertEquals("io server disconnect", c.next("disconnect")[1]);
    }

    @Test
    void garbageIsCountedAndAKilledConnectionComesBack() {
        server(1).sockets().localSocket(b.id()).join("green");
        ClusterFixture.eventually("room channel subscribed", () -> shardChannels().contains(cluster.key + "#/#green#"));
        RedisClusterAdapter adapter = cluster.node(1).adapter("/");
        long before = adapter.malformedCount();
        List<String> channels = List.of(cluster.key + "#/#", cluster.key + "#/#green#",
                cluster.key + "#/#" + adapter.uid() + "#");
        List<byte[]> garbage = List.of(new byte[0], new byte[] {(byte) 0xc1}, "{nope".getBytes(StandardCharsets.UTF_8),
                "{\"type\":3,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"packet\":{}}}".getBytes(StandardCharsets.UTF_8),
                "{\"type\":8,\"data\":{}}".getBytes(StandardCharsets.UTF_8));
        for (String channel : channels) {
            for (byte[] payload : garbage) {
                cluster.redis.sync().spublish(channel, payload);
            }
        }
        // a message without nsp belongs to no namespace and is ignored (as Node does): 2 of the 15 are not counted
        ClusterFixture.eventually("all counted", () -> adapter.malformedCount() - before >= 13);

        assertEquals(1, cluster.redis.kill(cluster.node(1).clientName() + "-sub"));
        ClusterFixture.eventually("resubscribed", () -> cluster.redis.shardNumsub(cluster.key + "#/#") == 3
                && shardChannels().contains(cluster.key + "#/#green#"));
        server(0).to("green").emit("after");
        server(0).emit("marker");
        assertEquals(List.of("after", "marker"), b.namesUntil("marker"));
    }

    @Test
    void closingLeavesNoShardSubscription() {
        server(0).sockets().localSocket(a.id()).join("room-a");
        ClusterFixture.eventually("subscribed", () -> shardChannels().contains(cluster.key + "#/#room-a#"));
        cluster.closeNode(0);
        String uid = cluster.node(0).adapter("/").uid();
        List<String> left = shardChannels();
        assertTrue(left.stream().noneMatch(ch -> ch.contains(uid) || ch.endsWith("#room-a#")), left::toString);
        assertEquals(2, cluster.redis.shardNumsub(cluster.key + "#/#"));
    }
}
