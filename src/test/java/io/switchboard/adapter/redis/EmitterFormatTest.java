package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages exactly as {@code @socket.io/redis-emitter} 5.1 publishes them (uid "emitter", keys rooms/flags/except,
 * join/leave/disconnect without uid), published raw. The real emitter is exercised by e2e/cluster.
 */
class EmitterFormatTest {
    private ClusterFixture cluster;
    private TestClient a;
    private TestClient b;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = ClusterFixture.start(2);
        a = cluster.connect(0, "/");
        b = cluster.connect(1, "/");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private byte[] emit(String nsp, List<String> rooms, List<String> except, boolean withNsp, Object... args) {
        ArrayNode data = Wire.NODES.arrayNode();
        for (Object arg : args) {
            data.add(new io.switchboard.protocol.EventArgs().toNode(arg));
        }
        ArrayNode message = Wire.NODES.arrayNode().add("emitter");
        ObjectNode packet = message.addObject().put("type", 2);
        packet.set("data", data);
        if (withNsp) {
            packet.put("nsp", nsp);
        }
        ObjectNode opts = message.addObject();
        opts.set("rooms", Wire.roomArray(new java.util.LinkedHashSet<>(rooms)));
        opts.putObject("flags");
        opts.set("except", Wire.roomArray(new java.util.LinkedHashSet<>(except)));
        return MsgPack.encode(message);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private Server server(int node) {
        return cluster.node(node).server();
    }

    @Test
    void emitterBroadcastsReachClientsOnEveryNode() {
        server(0).sockets().localSocket(a.id()).join("r");
        String base = cluster.key + "#/#";
        cluster.redis.publish(base, emit("/", List.of(), List.of(), true, "all", "x"));
        cluster.redis.publish(base + "r#", emit("/", List.of("r"), List.of(), true, "room", 1));
        cluster.redis.publish(base, emit("/", List.of(), List.of("r"), false, "except-r",
                "bin".getBytes(StandardCharsets.UTF_8)));
        cluster.redis.publish(base, emit("/", List.of(), List.of(), true, "marker"));
        assertEquals(List.of("all", "room", "marker"), a.namesUntil("marker"));
        List<Object[]> got = new CopyOnWriteArrayList<>();
        got.add(b.next("all"));
        got.add(b.next("except-r"));
        assertArrayEquals("bin".getBytes(StandardCharsets.UTF_8), (byte[]) got.get(1)[1]);
        b.next("marker");
    }

    @Test
    void emitterJoinLeaveDisconnectAndServerSideEmit() {
        String request = cluster.key + "-request#/#";
        cluster.redis.publish(request, utf8(
                "{\"type\":2,\"opts\":{\"rooms\":[],\"except\":[]},\"rooms\":[\"joined\"]}"));
        ClusterFixture.eventually("both joined", () ->
                server(0).sockets().localSocket(a.id()).rooms().contains("joined")
                        && server(1).sockets().localSocket(b.id()).rooms().contains("joined"));
        cluster.redis.publish(request, utf8(
                "{\"type\":3,\"opts\":{\"rooms\":[\"" + a.id() + "\"],\"except\":[]},\"rooms\":[\"joined\"]}"));
        ClusterFixture.eventually("a left", () ->
                !server(0).sockets().localSocket(a.id()).rooms().contains("joined"));
        assertTrue(server(1).sockets().localSocket(b.id()).rooms().contains("joined"));

        List<String> seen = new CopyOnWriteArrayList<>();
        server(0).sockets().onServerSideEmit("from-emitter", (args, ack) -> seen.add(args.get(0).asText()));
        server(1).sockets().onServerSideEmit("from-emitter", (args, ack) -> seen.add(args.get(0).asText()));
        cluster.redis.publish(request, utf8(
                "{\"uid\":\"emitter\",\"type\":6,\"data\":[\"from-emitter\",\"hey\"]}"));
        ClusterFixture.eventually("both nodes' listeners ran", () -> seen.size() == 2);

        cluster.redis.publish(request, utf8(
                "{\"type\":4,\"opts\":{\"rooms\":[\"joined\"],\"except\":[]},\"close\":false}"));
        assertEquals("io server disconnect", b.next("disconnect")[1]);
    }
}
