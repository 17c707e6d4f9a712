package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The msgpack mapping against bytes notepack.io 3 produces (from the wire-format captures and its sources). */
class MsgPackTest {
    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void integersTakeTheSmallestFormat() {
        assertEquals("05", hex(MsgPack.encode(Wire.NODES.numberNode(5))));
        assertEquals("ff", hex(MsgPack.encode(Wire.NODES.numberNode(-1))));
        assertEquals("cd0100", hex(MsgPack.encode(Wire.NODES.numberNode(256))));
        assertEquals("cf0000010000000000", hex(MsgPack.encode(Wire.NODES.numberNode(1L << 40))));
        // integer-valued doubles are ints, as in JavaScript
        assertEquals("03", hex(MsgPack.encode(Wire.NODES.numberNode(3.0))));
        assertEquals("cb3ff8000000000000", hex(MsgPack.encode(Wire.NODES.numberNode(1.5))));
    }

    @Test
    void stringsAreStrAndBytesAreBin() throws Exception {
        assertEquals("a26869", hex(MsgPack.encode(Wire.NODES.textNode("hi"))));
        assertEquals("c4020102", hex(MsgPack.encode(Wire.NODES.binaryNode(new byte[] {1, 2}))));
        assertArrayEquals(new byte[] {1, 2}, MsgPack.decode(hex("c4020102")).binaryValue());
    }

    @Test
    void emptyObjectAndEmptyArrayStayDistinct() {
        assertEquals("80", hex(MsgPack.encode(Wire.NODES.objectNode())));
        assertEquals("90", hex(MsgPack.encode(Wire.NODES.arrayNode())));
        assertTrue(MsgPack.decode(hex("80")).isObject());
        assertTrue(MsgPack.decode(hex("90")).isArray());
    }

    @Test
    void timestampsBecomeJavaScriptIsoStrings() {
        // 2024-01-02T03:04:05.678Z as notepack writes a Date: timestamp 64 (d7 ff)
        long seconds = 1704164645L;
        long nanos = 678_000_000L;
        long packed = (nanos << 34) | seconds;
        byte[] bytes = hex("d7ff" + String.format("%016x", packed));
        assertEquals("2024-01-02T03:04:05.678Z", MsgPack.decode(bytes).asText());
        // timestamp 32 (d6 ff), whole seconds
        assertEquals("2024-01-02T03:04:05.000Z", MsgPack.decode(hex("d6ff" + String.format("%08x", seconds)))
                .asText());
    }

    @Test
    void decodesEveryNumberWidthAndFloat32() {
        assertEquals(255, MsgPack.decode(hex("ccff")).asInt());
        assertEquals(-129, MsgPack.decode(hex("d1ff7f")).asInt());
        assertEquals(4294967295L, MsgPack.decode(hex("ceffffffff")).asLong());
        assertEquals("18446744073709551615", MsgPack.decode(hex("cfffffffffffffffff")).bigIntegerValue().toString());
        assertEquals(1.5, MsgPack.decode(hex("ca3fc00000")).asDouble());
    }

    @Test
    void roundTripsABroadcastMessage() {
        ArrayNode message = Wire.NODES.arrayNode().add("PUUKa8");
        ObjectNode packet = message.addObject().put("type", 2);
        packet.putArray("data").add("ev").add(Wire.NODES.binaryNode(new byte[] {9})).addNull().add(true);
        packet.put("nsp", "/");
        ObjectNode opts = message.addObject();
        opts.putArray("rooms").add("r1");
        opts.putArray("except");
        opts.putObject("flags").put("volatile", true);
        JsonNode back = MsgPack.decode(MsgPack.encode(message));
        assertEquals(message, back);
    }

    @Test
    void refusesForgedLengthsTrailingBytesAndDepth() {
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(hex("dbffffffff41")));
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(hex("ddffffffff")));
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(hex("0101")));
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(hex("c1")));
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(new byte[0]));
        byte[] deep = new byte[MsgPack.MAX_DEPTH + 10];
        java.util.Arrays.fill(deep, (byte) 0x91);
        assertThrows(MalformedMessageException.class, () -> MsgPack.decode(deep));
    }
}
