package io.switchboard.protocol;

import static io.switchboard.protocol.Json.array;
import static io.switchboard.protocol.Json.bin;
import static io.switchboard.protocol.Json.object;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected strings come from the protocol spec's examples and from the reference parser (4.2.x) itself. */
class PacketEncoderTest {

    private final PacketEncoder encoder = new PacketEncoder();

    private String text(Packet packet) {
        EncodedPacket encoded = encoder.encode(packet);
        assertTrue(encoded.attachments().isEmpty(), "no attachments expected");
        return encoded.text();
    }

    @Test
    void specExamplesWithoutBinary() {
        assertEquals("0", text(Packet.connect("/", null)));
        assertEquals("0/admin,", text(Packet.connect("/admin", null)));
        assertEquals("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", text(Packet.connectReply("/admin", "oSO0OpakMV_3jnilAAAA")));
        assertEquals("4{\"message\":\"Not authorized\"}", text(Packet.connectError("/", "Not authorized")));
        assertEquals("2[\"foo\"]", text(Packet.event("/", array("[\"foo\"]"), null)));
        assertEquals("2/admin,[\"bar\"]", text(Packet.event("/admin", array("[\"bar\"]"), null)));
        assertEquals("212[\"foo\"]", text(Packet.event("/", array("[\"foo\"]"), 12L)));
        assertEquals("3/admin,13[\"bar\"]", text(Packet.ack("/admin", array("[\"bar\"]"), 13)));
        assertEquals("3/admin,13[]", text(Packet.ack("/admin", array("[]"), 13)));
        assertEquals("1", text(Packet.disconnect("/")));
        assertEquals("1/admin,", text(Packet.disconnect("/admin")));
    }

    @Test
    void referenceTestPackets() {
        assertEquals("0/woot,{\"token\":\"123\"}", text(Packet.connect("/woot", object("{\"token\":\"123\"}"))));
        assertEquals("1/woot,", text(Packet.disconnect("/woot")));
        assertEquals("2[\"a\",1,{}]", text(Packet.event("/", array("[\"a\",1,{}]"), null)));
        assertEquals("2[1,\"a\",{}]", text(Packet.event("/", array("[1,\"a\",{}]"), null)));
        assertEquals("2/test,1[\"a\",1,{}]", text(Packet.event("/test", array("[\"a\",1,{}]"), 1L)));
        assertEquals("3123[\"a\",1,{}]", text(Packet.ack("/", array("[\"a\",1,{}]"), 123)));
        assertEquals("4\"Unauthorized\"",
                text(new Packet(PacketType.CONNECT_ERROR, "/", JsonNodeFactory.instance.textNode("Unauthorized"), null, 0)));
        assertEquals("4{\"message\":\"Unauthorized\"}", text(Packet.connectError("/", "Unauthorized")));
        // what the protocol test suite expects for an unknown namespace, minus the Engine.IO "4"
        assertEquals("4/random,{\"message\":\"Invalid namespace\"}",
                text(Packet.connectError("/random", "Invalid namespace")));
    }

    @Test
    void connectErrorWithData() {
        assertEquals("4{\"message\":\"nope\",\"data\":{\"retry\":false}}",
                text(Packet.connectError("/", "nope", object("{\"retry\":false}"))));
    }

    @Test
    void ackIdZeroIsWritten() {
        assertEquals("20[\"a\"]", text(Packet.event("/", array("[\"a\"]"), 0L)));
    }

    @Test
    void jsonNullDataIsLeftOutLikeTheReference() {
        Packet packet = new Packet(PacketType.CONNECT, "/x", JsonNodeFactory.instance.nullNode(), null, 0);
        assertEquals("0/x,", text(packet));
    }

    @Test
    void specBinaryExamples() {
        ArrayNode args = array("[\"baz\"]").add(bin(1, 2, 3, 4));
        EncodedPacket one = encoder.encode(Packet.event("/", args, null));
        assertEquals("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", one.text());
        assertEquals(1, one.attachments().size());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, one.attachments().get(0));

        ArrayNode two = array("[\"baz\"]").add(bin(1, 2)).add(bin(3, 4));
        EncodedPacket encoded = encoder.encode(Packet.event("/admin", two, null));
        assertEquals("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
                encoded.text());
        assertArrayEquals(new byte[] {1, 2}, encoded.attachments().get(0));
        assertArrayEquals(new byte[] {3, 4}, encoded.attachments().get(1));

        EncodedPacket ack = encoder.encode(Packet.ack("/", array("[\"bar\"]").add(bin(1, 2, 3, 4)), 15));
        assertEquals("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", ack.text());

        EncodedPacket sample = encoder.encode(Packet.ack("/admin", JsonNodeFactory.instance.arrayNode().add(bin(9)), 1));
        assertEquals("61-/admin,1[{\"_placeholder\":true,\"num\":0}]", sample.text());
    }

    @Test
    void referenceBinaryPackets() {
        assertEquals("51-/cool,23[\"a\",{\"_placeholder\":true,\"num\":0}]",
                encoder.encode(Packet.event("/cool", array("[\"a\"]").add(bin("abc")), 23L)).text());

        ArrayNode nested = array("[\"a\",{\"b\":[\"c\"]}]");
        ((ArrayNode) nested.get(1).get("b")).add(bin("abc"));
        assertEquals("51-/cool,23[\"a\",{\"b\":[\"c\",{\"_placeholder\":true,\"num\":0}]}]",
                encoder.encode(Packet.event("/cool", nested, 23L)).text());

        assertEquals("61-/back,127[\"a\",{\"_placeholder\":true,\"num\":0},{}]",
                encoder.encode(Packet.ack("/back", array("[\"a\"]").add(bin("xxx")).add(object("{}")), 127)).text());

        // "encodes ArrayBuffers deep in JSON"
        ArrayNode deep = array("[\"a\",{\"a\":\"hi\",\"b\":{},\"c\":{\"a\":\"bye\",\"b\":{}}}]");
        ((ObjectNode) deep.get(1).get("b")).set("why", bin(0, 0, 0));
        ((ObjectNode) deep.get(1).get("c").get("b")).set("a", bin(0, 0, 0, 0, 0, 0));
        EncodedPacket encoded = encoder.encode(Packet.event("/deep", deep, 999L));
        assertEquals("52-/deep,999[\"a\",{\"a\":\"hi\",\"b\":{\"why\":{\"_placeholder\":true,\"num\":0}},"
                + "\"c\":{\"a\":\"bye\",\"b\":{\"a\":{\"_placeholder\":true,\"num\":1}}}}]", encoded.text());
        assertEquals(3, encoded.attachments().get(0).length);
        assertEquals(6, encoded.attachments().get(1).length);

        // "encodes deep binary JSON with null values"
        ArrayNode withNulls = array("[\"a\",{\"a\":\"b\",\"c\":4,\"e\":{\"g\":null}}]");
        ((ObjectNode) withNulls.get(1)).set("h", bin(new int[9]));
        assertEquals("51-600[\"a\",{\"a\":\"b\",\"c\":4,\"e\":{\"g\":null},\"h\":{\"_placeholder\":true,\"num\":0}}]",
                encoder.encode(Packet.event("/", withNulls, 600L)).text());
    }

    @Test
    void placeholdersAreNumberedDepthFirst() {
        // [b0, {x: [b1, {y: b2}], z: b3}, [[b4]], b5]
        ArrayNode args = array("[\"ev\"]");
        args.add(bin("0"));
        ObjectNode obj = args.addObject();
        ArrayNode x = obj.putArray("x");
        x.add(bin("1"));
        x.addObject().set("y", bin("2"));
        obj.set("z", bin("3"));
        args.addArray().addArray().add(bin("4"));
        args.add(bin("5"));

        EncodedPacket encoded = encoder.encode(Packet.event("/", args, 7L));
        String p = "{\"_placeholder\":true,\"num\":%d}";
        assertEquals(("56-7[\"ev\"," + p + ",{\"x\":[" + p + ",{\"y\":" + p + "}],\"z\":" + p + "},[[" + p + "]]," + p + "]")
                .formatted(0, 1, 2, 3, 4, 5), encoded.text());
        List<byte[]> attachments = encoded.attachments();
        for (int i = 0; i < 6; i++) {
            assertEquals(String.valueOf(i), new String(attachments.get(i), StandardCharsets.UTF_8));
        }
    }

    @Test
    void attachmentsAreTheNodesArraysAndInputIsNotModified() throws Exception {
        ArrayNode args = array("[\"a\"]").add(bin(1, 2, 3)).add(bin(4, 5, 6));
        String before = args.toString();
        EncodedPacket encoded = encoder.encode(Packet.event("/", args, null));
        assertEquals(before, args.toString());
        assertSame(args.get(1).binaryValue(), encoded.attachments().get(0));
    }

    @Test
    void wireTypeFollowsTheContent() throws Exception {
        // A BINARY_EVENT without binary goes out as a plain EVENT...
        Packet noBinary = new Packet(PacketType.BINARY_EVENT, "/", array("[\"a\"]"), null, 3);
        assertEquals("2[\"a\"]", encoder.encode(noBinary).text());
        Packet noBinaryAck = new Packet(PacketType.BINARY_ACK, "/", array("[]"), 4L, 1);
        assertEquals("34[]", encoder.encode(noBinaryAck).text());
        // ...and a hand-built EVENT with binary (and a wrong count) becomes a BINARY_EVENT with the real count.
        Packet binary = new Packet(PacketType.EVENT, "/", array("[\"a\"]").add(bin(1)), null, 0);
        assertEquals("51-[\"a\",{\"_placeholder\":true,\"num\":0}]", encoder.encode(binary).text());
    }

    @Test
    void factoriesPickTheBinaryType() {
        Packet event = Packet.event("/", array("[\"a\"]").add(bin(1)).add(bin(2)), null);
        assertEquals(PacketType.BINARY_EVENT, event.type());
        assertEquals(2, event.attachments());
        Packet ack = Packet.ack("/", JsonNodeFactory.instance.arrayNode().add(bin(1)), 3);
        assertEquals(PacketType.BINARY_ACK, ack.type());
        assertEquals(1, ack.attachments());
        assertEquals(PacketType.EVENT, Packet.event("/", array("[\"a\"]"), null).type());
    }

    @Test
    void binaryOutsideEventsAndAcksIsRefused() {
        ObjectNode auth = object("{}");
        auth.set("key", bin(1));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(Packet.connect("/", auth)));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(Packet.connectError("/", "no", bin(1))));
    }

    @Test
    void circularTreeIsRefused() {
        ArrayNode loop = array("[\"a\"]");
        ArrayNode inner = loop.addArray();
        inner.add(loop);
        assertThrows(IllegalArgumentException.class, () -> Packet.event("/", loop, null));
        Packet handBuilt = new Packet(PacketType.EVENT, "/", loop, null, 0);
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(handBuilt));
    }

    @Test
    void pojoNodesAreConvertedWithTheMapper() {
        ArrayNode args = array("[\"a\"]");
        args.addPOJO(java.util.Map.of("k", List.of(1, 2)));
        args.addPOJO(new byte[] {7});
        args.addRawValue(new com.fasterxml.jackson.databind.util.RawValue("{\"raw\":true}"));
        EncodedPacket encoded = encoder.encode(Packet.event("/", args, null));
        assertEquals("51-[\"a\",{\"k\":[1,2]},{\"_placeholder\":true,\"num\":0},{\"raw\":true}]", encoded.text());
    }

    @Test
    void packetValidation() {
        assertThrows(IllegalArgumentException.class, () -> Packet.disconnect("admin"));
        assertThrows(IllegalArgumentException.class, () -> Packet.disconnect("/a,b"));
        assertThrows(IllegalArgumentException.class, () -> Packet.event("/", array("[\"a\"]"), -1L));
        assertThrows(IllegalArgumentException.class, () -> Packet.ack("/", array("[]"), Packet.MAX_ACK_ID + 1));
        assertThrows(NullPointerException.class, () -> new Packet(null, "/", null, null, 0));
        assertEquals("/", new Packet(PacketType.CONNECT, null, null, null, 0).namespace());
        assertEquals("3" + Packet.MAX_ACK_ID + "[]", text(Packet.ack("/", array("[]"), Packet.MAX_ACK_ID)));
    }
}
