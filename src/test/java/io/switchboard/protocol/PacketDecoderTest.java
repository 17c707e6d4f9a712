package io.switchboard.protocol;

import static io.switchboard.protocol.Json.array;
import static io.switchboard.protocol.Json.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder();

    private Packet decode(String text) throws PacketDecodingException {
        Packet packet = decoder.add(text);
        assertTrue(packet != null, "expected a complete packet for " + text);
        return packet;
    }

    private static PacketDecodingException rejects(PacketDecoder decoder, String text) {
        return assertThrows(PacketDecodingException.class, () -> decoder.add(text), text);
    }

    @Test
    void specExamples() throws Exception {
        assertEquals(new Packet(PacketType.CONNECT, "/", null, null, 0), decode("0"));
        assertEquals(new Packet(PacketType.CONNECT, "/admin", null, null, 0), decode("0/admin,"));
        assertEquals(Packet.connectReply("/admin", "oSO0OpakMV_3jnilAAAA"),
                decode("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"));
        assertEquals(Packet.connect("/", Json.object("{\"token\":\"123\"}")), decode("0{\"token\":\"123\"}"));
        assertEquals(Packet.connectError("/", "Not authorized"), decode("4{\"message\":\"Not authorized\"}"));
        assertEquals(Packet.event("/", array("[\"foo\"]"), null), decode("2[\"foo\"]"));
        assertEquals(Packet.event("/admin", array("[\"bar\"]"), null), decode("2/admin,[\"bar\"]"));
        assertEquals(Packet.event("/", array("[\"foo\"]"), 12L), decode("212[\"foo\"]"));
        assertEquals(Packet.ack("/admin", array("[\"bar\"]"), 13), decode("3/admin,13[\"bar\"]"));
        assertEquals(Packet.ack("/", array("[]"), 12), decode("312[]"));
        assertEquals(Packet.disconnect("/"), decode("1"));
        assertEquals(Packet.disconnect("/admin"), decode("1/admin,"));
    }

    @Test
    void protocolTestSuiteInputs() throws Exception {
        // "40/custom" without the comma: the namespace runs to the end, as in the reference.
        assertEquals(new Packet(PacketType.CONNECT, "/custom", null, null, 0), decode("0/custom"));
        assertEquals(Packet.connect("/custom", Json.object("{\"token\":\"abc\"}")), decode("0/custom,{\"token\":\"abc\"}"));
        assertEquals(Packet.event("/", array("[\"message\",1,\"2\",{\"3\":[true]}]"), null),
                decode("2[\"message\",1,\"2\",{\"3\":[true]}]"));
        assertEquals(Packet.event("/", array("[\"message-with-ack\",1,\"2\",{\"3\":[false]}]"), 456L),
                decode("2456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]"));
    }

    @Test
    void referenceTestInputs() throws Exception {
        assertEquals(Packet.event("/", array("[1,\"a\",{}]"), null), decode("2[1,\"a\",{}]")); // numeric event name
        assertEquals(new Packet(PacketType.CONNECT_ERROR, "/", parse("\"Unauthorized\""), null, 0),
                decode("4\"Unauthorized\""));
        assertEquals(Packet.event("/test", array("[\"a\",1,{}]"), 1L), decode("2/test,1[\"a\",1,{}]"));
    }

    @Test
    void ackIdWithLeadingZerosAndLimits() throws Exception {
        assertEquals(12L, decode("2012[\"a\"]").ackId());
        assertEquals(0L, decode("20[\"a\"]").ackId());
        assertEquals(Packet.MAX_ACK_ID, decode("3" + Packet.MAX_ACK_ID + "[]").ackId());
        rejects(decoder, "3" + (Packet.MAX_ACK_ID + 1) + "[]");
        rejects(decoder, "39223372036854775808[]"); // beyond a long
        rejects(decoder, "3" + "9".repeat(200) + "[]");

        PacketDecoder small = new PacketReader(DecoderLimits.DEFAULTS.withMaxAckId(100)).newDecoder();
        assertEquals(100L, small.add("2100[\"a\"]").ackId());
        rejects(small, "2101[\"a\"]");
    }

    @Test
    void binaryEvent() throws Exception {
        assertNull(decoder.add("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]"));
        assertTrue(decoder.isReconstructing());
        byte[] bytes = {1, 2, 3, 4};
        Packet packet = decoder.add(bytes);
        assertFalse(decoder.isReconstructing());
        assertEquals(PacketType.BINARY_EVENT, packet.type());
        assertEquals(1, packet.attachments());
        assertEquals("baz", packet.data().get(0).textValue());
        assertTrue(packet.data().get(1).isBinary());
        assertSame(bytes, packet.data().get(1).binaryValue());
        assertEquals(Packet.event("/", array("[\"baz\"]").add(Json.bin(1, 2, 3, 4)), null), packet);
    }

    @Test
    void binaryAckWithNamespaceAndTwoAttachments() throws Exception {
        assertNull(decoder.add("62-/admin,789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.add(new byte[] {1}));
        Packet packet = decoder.add(new byte[] {2});
        assertEquals(Packet.ack("/admin", array("[]").add(Json.bin(1)).add(Json.bin(2)), 789), packet);
    }

    @Test
    void placeholdersMayComeInAnyOrderAndAtAnyDepth() throws Exception {
        assertNull(decoder.add("53-[\"a\",{\"x\":[{\"_placeholder\":true,\"num\":2}]},"
                + "{\"_placeholder\":true,\"num\":0},[[{\"_placeholder\":true,\"num\":1.0}]]]"));
        assertNull(decoder.add("zero".getBytes(StandardCharsets.UTF_8)));
        assertNull(decoder.add("one".getBytes(StandardCharsets.UTF_8)));
        JsonNode data = decoder.add("two".getBytes(StandardCharsets.UTF_8)).data();
        assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), data.get(1).get("x").get(0).binaryValue());
        assertArrayEquals("zero".getBytes(StandardCharsets.UTF_8), data.get(2).binaryValue());
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), data.get(3).get(0).get(0).binaryValue());
    }

    @Test
    void placeholderLookalikesStayObjectsInPlainPackets() throws Exception {
        Packet packet = decode("2[\"a\",{\"_placeholder\":true,\"num\":0}]");
        assertTrue(packet.data().get(1).isObject());
    }

    @Test
    void binaryPacketWithoutAttachmentsIsRefused() {
        // The /work/ref source would accept a count of 0, the released parser (4.2.7) refuses it; no encoder sends it.
        assertEquals("Illegal attachments", rejects(decoder, "50-[\"a\"]").getMessage());
        assertEquals("Illegal attachments", rejects(decoder, "60-[]").getMessage());
        assertFalse(decoder.isReconstructing());
    }

    @Test
    void resumesAfterReset() throws Exception {
        assertNull(decoder.add("51-[\"hello\"]"));
        decoder.reset();
        assertEquals(array("[\"hello\"]"), decode("2[\"hello\"]").data());
        assertNull(decoder.add("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]"));
        decoder.destroy();
        assertFalse(decoder.isReconstructing());
        assertThrows(PacketDecodingException.class, () -> decoder.add(new byte[1]));
    }

    @Test
    void binaryWithoutHeader() {
        PacketDecodingException e = assertThrows(PacketDecodingException.class, () -> decoder.add(new byte[] {1}));
        assertEquals("got binary data when not reconstructing a packet", e.getMessage());
    }

    @Test
    void textWhileAttachmentsArePending() throws Exception {
        assertNull(decoder.add("52-[\"hello\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        assertNull(decoder.add(new byte[] {1})); // one of two
        assertEquals("got plaintext data when reconstructing a packet", rejects(decoder, "2[\"hello\"]").getMessage());
        assertFalse(decoder.isReconstructing()); // the failed packet was dropped
        decode("2[\"hello\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "51-[\"hello\",{\"_placeholder\":true,\"num\":\"splice\"}]", // reference test
        "51-[\"hello\",{\"_placeholder\":true,\"num\":1}]", // reference test: out of bounds
        "51-[\"hello\",{\"_placeholder\":true,\"num\":-1}]",
        "51-[\"hello\",{\"_placeholder\":true,\"num\":0.5}]",
        "51-[\"hello\",{\"_placeholder\":true}]",
        "51-[\"hello\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", // count mismatch
    })
    void illegalPlaceholders(String text) throws Exception {
        assertNull(decoder.add(text));
        PacketDecodingException e = assertThrows(PacketDecodingException.class, () -> decoder.add(new byte[] {1}));
        assertEquals("illegal attachments", e.getMessage());
        assertFalse(decoder.isReconstructing());
    }

    @Test
    void referenceErrorMessages() {
        assertEquals("unknown packet type 9", rejects(decoder, "999").getMessage());
        assertEquals("Illegal attachments", rejects(decoder, "5").getMessage());
        assertEquals("Illegal attachments", rejects(decoder, "51").getMessage());
        assertEquals("Illegal attachments", rejects(decoder, "5a-").getMessage());
        assertEquals("Illegal attachments", rejects(decoder, "51.23-").getMessage());
        PacketDecoder two = new PacketReader(DecoderLimits.DEFAULTS.withMaxAttachments(2)).newDecoder();
        assertEquals("too many attachments", rejects(two, "53-[\"hello\",{\"_placeholder\":true,\"num\":0},"
                + "{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2}]").getMessage());
        assertTrue(rejects(decoder, "2[\"connect\"]").getMessage().startsWith("invalid payload"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // the reference parser's "invalid payload" cases
        "442[\"some\",\"data\"", "0/admin,\"invalid\"", "0[]", "1/admin,{}", "2/admin,\"invalid", "2/admin,{}",
        "2[{\"toString\":\"foo\"}]", "2[true,\"foo\"]", "2[null,\"bar\"]", "2[\"connect\"]",
        "2[\"disconnect\",\"123\"]",
        "2[\"connect_error\"]", "2[\"disconnecting\"]", "2[\"newListener\"]", "2[\"removeListener\"]",
        "2[[\"a\"]]", "2[{}]",
        // the protocol test suite's "invalid format" cases (42{}, 4999, 42abc[...]) without the Engine.IO "4"
        "2{}", "999", "2abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]",
        // missing, empty or wrongly shaped payloads
        "", "7", "8[\"a\"]", "a", "-", "/", " 2[\"a\"]", "2", "2/admin,", "2[]", "3", "3/admin,5", "3{}", "3\"a\"",
        "4", "4[]", "41", "4null", "0null", "0\"a\"", "01[]", "1null", "1[]", "3null",
        "5-[\"a\"]", "6-[]", "5-1-[\"a\"]", "5 1-[\"a\"]", "51-", "51-[]", "61-{}", "51-[\"connect\"]",
        "599999999999999999999-[\"a\"]",
        // malformed JSON, or JSON that JSON.parse would refuse
        "2[\"a\"", "2[\"a\"]]", "2[\"a\"]x", "2[\"a\"] [\"b\"]", "2 ", "2[\"a\",]", "2['a']", "2[\"a\",NaN]",
        "2[\"a\",Infinity]", "2[\"a\",01]", "2[\"a\",.5]", "2[\"a\",+1]", "2[\"a\",0x10]", "2{a:1}",
        "2[\"a\"/*c*/]", "2[\"a\u0001\"]", "2[\"\\x41\"]", "2[\"a\",undefined]", "2\"a\"", "2 [\"a\"]x",
        "2/admin", "2/admin[\"a\"]", "2abc[\"a\"]", "2 1[\"a\"]", "21 [\"a\"]x", "2-1[\"a\"]",
    })
    void malformed(String text) {
        rejects(decoder, text);
        assertFalse(decoder.isReconstructing());
    }

    @Test
    void whitespaceAroundTheJsonIsAllowedAsJsonParseDoes() throws Exception {
        assertEquals(array("[\"a\"]"), decode("2 [\"a\"] ").data());
        assertEquals(array("[\"a\"]"), decode("2/x,\n[\"a\"]\t").data());
    }

    @Test
    void tooManyAttachments() throws Exception {
        StringBuilder text = new StringBuilder("511-[\"a\"");
        for (int i = 0; i < 11; i++) {
            text.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
        }
        assertEquals("too many attachments", rejects(decoder, text.append(']').toString()).getMessage());
        assertNull(decoder.add(text.toString().replace("511-", "510-").replace(",{\"_placeholder\":true,\"num\":10}", "")));
        for (int i = 0; i < 9; i++) {
            assertNull(decoder.add(new byte[] {(byte) i}));
        }
        assertEquals(10, decoder.add(new byte[] {9}).attachments());
    }

    @Test
    void nestingDepth() throws Exception {
        // The argument array is level 1: 31 more levels fit in the default of 32, 32 do not.
        String ok = "2[\"a\"," + "[".repeat(31) + "]".repeat(31) + "]";
        assertEquals(2, decode(ok).data().size());
        String tooDeep = "2[\"a\"," + "[".repeat(32) + "]".repeat(32) + "]";
        assertTrue(rejects(decoder, tooDeep).getMessage().contains("nesting depth"));
        String objects = "0" + "{\"a\":".repeat(33) + "1" + "}".repeat(33);
        rejects(decoder, objects);

        PacketDecoder shallow = new PacketReader(DecoderLimits.DEFAULTS.withMaxNestingDepth(2)).newDecoder();
        assertEquals(2, shallow.add("2[\"a\",{\"b\":1}]").data().size());
        rejects(shallow, "2[\"a\",{\"b\":[]}]");
    }

    @Test
    void stringAndNameLength() throws Exception {
        PacketDecoder small = new PacketReader(DecoderLimits.DEFAULTS.withMaxStringLength(8)).newDecoder();
        assertEquals("12345678", small.add("2[\"12345678\"]").data().get(0).textValue());
        rejects(small, "2[\"123456789\"]");
        rejects(small, "2[\"a\",{\"123456789\":1}]");
        rejects(small, "4\"123456789\"");
    }

    @Test
    void namespaceLength() throws Exception {
        PacketDecoder small = new PacketReader(DecoderLimits.DEFAULTS.withMaxNamespaceLength(6)).newDecoder();
        assertEquals("/admin", small.add("0/admin,").namespace());
        assertEquals("/admin", small.add("0/admin").namespace());
        rejects(small, "0/admins,");
        rejects(small, "0/admins");
        rejects(decoder, "0/" + "a".repeat(300) + ",");
    }

    @Test
    void namespaceIsEverythingUpToTheComma() throws Exception {
        assertEquals("/a b[]{}\"é", decode("0/a b[]{}\"é,{}").namespace());
        assertEquals("/", decode("2/,[\"a\"]").namespace());
    }

    @Test
    void limitsValidation() {
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxAttachments(-1));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxNestingDepth(0));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxNestingDepth(1001));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxStringLength(0));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxNamespaceLength(0));
        assertThrows(IllegalArgumentException.class, () -> DecoderLimits.DEFAULTS.withMaxAckId(Packet.MAX_ACK_ID + 1));
        assertEquals(10, DecoderLimits.DEFAULTS.maxAttachments());
        assertEquals(32, DecoderLimits.DEFAULTS.maxNestingDepth());
    }
}
