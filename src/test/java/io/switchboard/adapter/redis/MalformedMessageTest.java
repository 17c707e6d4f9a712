package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage published with a raw connection on every channel a node listens to: each message is dropped and counted,
 * and the node goes on serving, locally and across nodes.
 */
class MalformedMessageTest {
    private ClusterFixture cluster;
    private TestClient a;
    private TestClient b;

    @BeforeEach
    void start() throws InterruptedException {
        cluster = ClusterFixture.start(2);
        a = cluster.connect(0, "/");
        b = cluster.connect(1, "/");
        cluster.node(1).server().sockets().localSocket(b.id()).join("room");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> garbage() {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(new byte[0]);
        payloads.add(new byte[] {(byte) 0xc1});                         // never-used msgpack byte
        payloads.add(new byte[] {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'}); // str32 of 2 GB
        payloads.add(new byte[] {(byte) 0xdd, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});      // array32 of 2 G
        payloads.add(text("{not json"));
        payloads.add(text("{\"type\":\"seven\"}"));
        payloads.add(text("{\"type\":99,\"requestId\":\"x\"}"));
        payloads.add(text("{\"type\":5,\"requestId\":\"x\",\"opts\":7}"));
        payloads.add(text("{\"type\":6,\"uid\":\"zz\",\"data\":[1,2]}"));
        payloads.add(text("{\"type\":2,\"opts\":{\"rooms\":[{}]},\"rooms\":[\"r\"]}"));
        payloads.add(text("{\"requestId\":{\"nested\":true}}"));
        payloads.add(text("[1,2,3]"));
        payloads.add(MsgPack.encode(Wire.NODES.textNode("just a string")));
        ArrayNode wrongShape = Wire.NODES.arrayNode().add("uid").add(5).add("opts");
        payloads.add(MsgPack.encode(wrongShape));
        ArrayNode noData = Wire.NODES.arrayNode().add("uid");
        noData.addObject().put("type", 2).put("nsp", "/");
        noData.addObject();
        payloads.add(MsgPack.encode(noData));
        ObjectNode ackRequest = Wire.NODES.objectNode().put("type", 7).put("requestId", "r7").put("uid", "zz");
        payloads.add(MsgPack.encode(ackRequest));
        byte[] deep = new byte[10_000];
        java.util.Arrays.fill(deep, (byte) 0x91);                       // [[[[...
        payloads.add(deep);
        return payloads;
    }

    @Test
    void garbageOnEveryChannelIsCountedAndServingGoesOn() {
        Server server0 = cluster.node(0).server();
        Server server1 = cluster.node(1).server();
        RedisClusterAdapter adapter = cluster.node(1).adapter("/");
        String key = cluster.key;
        List<String> channels = List.of(key + "#/#", key + "#/#room#", key + "-request#/#", key + "-response#/#",
                key + "-response#/#" + adapter.uid() + "#");
        long before = adapter.malformedCount();
        int sent = 0;
        for (String channel : channels) {
            for (byte[] payload : garbage()) {
                cluster.redis.publish(channel, payload);
                sent++;
            }
        }
        // on the response channels, three of them are well-formed answers to requests nobody made: ignored
        long expected = sent - 2 * 3;
        ClusterFixture.eventually("every message counted", () -> adapter.malformedCount() - before >= expected);
        ClusterFixture.sleep(100);
        assertEquals(expected, adapter.malformedCount() - before);

        // still serving: local, remote in both directions, requests
        server1.emit("local");
        assertEquals("local", b.next()[0]);
        server0.to("room").emit("remote-room", "ok");
        assertEquals("remote-room", b.next()[0]);
        server1.emit("remote-back");
        assertEquals(List.of("local", "remote-back"), a.namesUntil("remote-back"));
        assertEquals(2, TestClient.await(server0.fetchSockets()).size());
        assertEquals(2, TestClient.await(server1.fetchSockets()).size());
        assertTrue(cluster.redis.numsub(key + "-request#/#") == 2);
    }

    @Test
    void unknownResponsesAndForeignRoomsAreIgnoredQuietly() {
        RedisClusterAdapter adapter = cluster.node(1).adapter("/");
        long before = adapter.malformedCount();
        cluster.redis.publish(cluster.key + "-response#/#", text("{\"requestId\":\"nobody\",\"sockets\":[]}"));
        // a room no local socket is in: dropped before decoding, so even garbage is not looked at
        cluster.redis.publish(cluster.key + "#/#elsewhere#", new byte[] {(byte) 0xc1});
        cluster.node(0).server().emit("marker");
        b.namesUntil("marker");
        assertEquals(before, adapter.malformedCount());
    }
}
