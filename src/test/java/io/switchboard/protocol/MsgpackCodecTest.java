package io.switchboard.protocol;

import static io.switchboard.protocol.Json.array;
import static io.switchboard.protocol.Json.bin;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * The msgpack parser: every packet of the default parser's round trip survives encode then decode, the frames are
 * what {@code socket.io-msgpack-parser} 3.x (notepack.io) writes and reads, and what a client sends is bounded by
 * the same {@link DecoderLimits}.
 */
class MsgpackCodecTest {

    private static final MsgpackEncoder ENCODER = new MsgpackEncoder();
    private static final MsgpackDecoder DECODER = new MsgpackDecoder();

    @ParameterizedTest
    @MethodSource("io.switchboard.protocol.RoundTripTest#packets")
    void everyPacketRoundTrips(Packet packet) throws Exception {
        byte[] encoded = ENCODER.encode(packet);
        Packet decoded = DECODER.add(encoded);
        assertEquals(packet, decoded);
        assertArrayEquals(encoded, ENCODER.encode(decoded));
    }

    @Test
    void binaryEventIsOneMapWithTheBytesInlineAndThePlainType() throws Exception {
        ArrayNode args = array("[\"file\"]").add(bin(1, 2, 3));
        args.addObject().set("nested", bin("x"));
        byte[] encoded = ENCODER.encode(Packet.event("/chat", args, 7L));

        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(encoded)) {
            assertEquals(4, in.unpackMapHeader());
            assertEquals("type", in.unpackString());
            assertEquals(2, in.unpackInt()); // EVENT: the msgpack parser has no BINARY_EVENT
            assertEquals("data", in.unpackString());
            assertEquals(3, in.unpackArrayHeader());
            assertEquals("file", in.unpackString());
            assertEquals(3, in.unpackBinaryHeader());
            assertArrayEquals(new byte[] {1, 2, 3}, in.readPayload(3));
            assertEquals(1, in.unpackMapHeader());
            assertEquals("nested", in.unpackString());
            assertArrayEquals(new byte[] {'x'}, in.readPayload(in.unpackBinaryHeader()));
            assertEquals("nsp", in.unpackString());
            assertEquals("/chat", in.unpackString());
            assertEquals("id", in.unpackString());
            assertEquals(7, in.unpackLong());
            assertTrue(!in.hasNext());
        }
        Packet decoded = DECODER.add(encoded);
        assertEquals(PacketType.BINARY_EVENT, decoded.type());
        assertEquals(2, decoded.attachments());
    }

    @Test
    void readsWhatTheNodeClientSends() throws Exception {
        // socket.io-client: {type, data, options: {compress}, id, nsp}; notepack writes undefined as fixext 1 type 0
        byte[] event = pack(p -> {
            p.packMapHeader(5);
            p.packString("type").packInt(2);
            p.packString("data").packArrayHeader(3).packString("hello").packDouble(1.5);
            p.packExtensionTypeHeader((byte) 0, 1).writePayload(new byte[] {0}); // an undefined argument
            p.packString("options").packMapHeader(1).packString("compress").packBoolean(true);
            p.packString("id").packInt(3);
            p.packString("nsp").packString("/");
        });
        Packet packet = DECODER.add(event);
        assertEquals(Packet.event("/", array("[\"hello\",1.5,null]"), 3L), packet);

        byte[] connect = pack(p -> { // connect() without auth: data is undefined
            p.packMapHeader(3);
            p.packString("type").packInt(0);
            p.packString("data").packExtensionTypeHeader((byte) 0, 1).writePayload(new byte[] {0});
            p.packString("nsp").packString("/admin");
        });
        assertEquals(Packet.connect("/admin", null), DECODER.add(connect));

        byte[] date = pack(p -> { // a Date argument: fixext 8 type 0, milliseconds
            p.packMapHeader(3);
            p.packString("type").packInt(2);
            p.packString("data").packArrayHeader(2).packString("at");
            p.packExtensionTypeHeader((byte) 0, 8).writePayload(new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
            p.packString("nsp").packString("/");
        });
        assertEquals("1970-01-01T00:00:00.000Z", DECODER.add(date).data().get(1).textValue());
    }

    @Test
    void integralDoublesGoOutAsIntegersAsNotepackWritesThem() throws Exception {
        ArrayNode args = array("[\"n\"]").add(2.0).add(-0.0).add(0.5);
        Packet decoded = DECODER.add(ENCODER.encode(Packet.event("/", args, null)));
        assertTrue(decoded.data().get(1).isInt());
        assertEquals(0, decoded.data().get(2).intValue());
        assertEquals(0.5, decoded.data().get(3).doubleValue());
        // and a float 64 with an integral value reads as that integer, as in JavaScript
        Packet floats = DECODER.add(pack(p -> event(p, 4).packString("x").packDouble(-212992.0)));
        assertEquals(Packet.event("/", array("[\"ev\"]"), null), floats);
        Packet asArgument = DECODER.add(pack(p -> header(p, 3).packString("type").packInt(2).packString("nsp")
                .packString("/").packString("data").packArrayHeader(2).packString("ev").packDouble(3.0)));
        assertTrue(asArgument.data().get(1).isInt());
    }

    @Test
    void textMessagesAndNonPacketsAreRefused() throws Exception {
        assertThrows(PacketDecodingException.class, () -> DECODER.add("2[\"ev\"]"));
        assertThrows(PacketDecodingException.class, () -> DECODER.add(new byte[0]));
        assertThrows(PacketDecodingException.class, () -> DECODER.add(pack(p -> p.packArrayHeader(0))));
        byte[] valid = ENCODER.encode(Packet.event("/", array("[\"ev\"]"), null));
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        assertThrows(PacketDecodingException.class, () -> DECODER.add(trailing));
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 1);
        assertThrows(PacketDecodingException.class, () -> DECODER.add(truncated));
    }

    @Test
    void refusesWhatTheParsersCheckPacketRefuses() {
        refused(p -> header(p, 3).packString("type").packInt(5).packString("data").packArrayHeader(1)
                .packString("ev").packString("nsp").packString("/")); // types 5 and 6 do not exist here
        refused(p -> header(p, 2).packString("type").packInt(1).packString("nsp").packInt(1));
        refused(p -> header(p, 1).packString("type").packInt(1)); // no namespace
        refused(p -> header(p, 2).packString("type").packString("2").packString("nsp").packString("/"));
        refused(p -> event(p, 4).packString("id").packDouble(1.5));
        refused(p -> event(p, 4).packString("id").packNil());
        refused(p -> event(p, 4).packString("id").packInt(-1));
        refused(p -> header(p, 3).packString("type").packInt(1).packString("nsp").packString("/")
                .packString("data").packNil()); // DISCONNECT has no payload
        refused(p -> header(p, 3).packString("type").packInt(2).packString("nsp").packString("/")
                .packString("data").packArrayHeader(1).packString("disconnect")); // reserved, as by default
        refused(p -> header(p, 3).packString("type").packInt(2).packString("nsp").packString("/")
                .packString("data").packMapHeader(0));
        refused(p -> header(p, 2).packString("type").packInt(0).packString("nsp").packString("chat"));
        refused(p -> header(p, 3).packString("type").packInt(2).packString("nsp").packString("/")
                .packString("data").packArrayHeader(2).packString("ev").packMapHeader(1).packInt(1).packInt(1));
    }

    @Test
    void nestingDepthCountsAsForJson() throws Exception {
        MsgpackDecoder decoder = new MsgpackDecoder(DecoderLimits.DEFAULTS.withMaxNestingDepth(3));
        decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\",[{\"a\":1}]]"), null)));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\",[{\"a\":[]}]]"), null))));
        // the same limit in the default parser
        PacketReader text = new PacketReader(DecoderLimits.DEFAULTS.withMaxNestingDepth(3));
        text.newDecoder().add("2[\"ev\",[{\"a\":1}]]");
        assertThrows(PacketDecodingException.class, () -> text.newDecoder().add("2[\"ev\",[{\"a\":[]}]]"));
        // other members are bounded too
        assertThrows(PacketDecodingException.class, () -> decoder.add(pack(p -> event(p, 4).packString("x")
                .packArrayHeader(1).packArrayHeader(1).packArrayHeader(1).packArrayHeader(0))));
    }

    @Test
    void binaryValuesCountAsAttachments() throws Exception {
        MsgpackDecoder decoder = new MsgpackDecoder(DecoderLimits.DEFAULTS.withMaxAttachments(2));
        decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\"]").add(bin(1)).add(bin(2)), null)));
        assertThrows(PacketDecodingException.class, () -> decoder.add(
                ENCODER.encode(Packet.event("/", array("[\"ev\"]").add(bin(1)).add(bin(2)).add(bin(3)), null))));
    }

    @Test
    void onlyBinaryValuesOfThePayloadAreAttachments() throws Exception {
        Packet packet = DECODER.add(pack(p -> event(p, 4).packString("options").packBinaryHeader(1)
                .writePayload(new byte[] {1})));
        assertEquals(PacketType.EVENT, packet.type());
        assertEquals(0, packet.attachments());
    }

    @Test
    void stringsNamesNamespacesAndIdsAreBounded() throws Exception {
        DecoderLimits limits = new DecoderLimits(10, 32, 8, 6, 100, 4, 5);
        MsgpackDecoder decoder = new MsgpackDecoder(limits);
        decoder.add(ENCODER.encode(Packet.event("/abcde", array("[\"evvvv\",\"12345678\",{\"keyy\":1}]"), 100L)));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\",\"123456789\"]"), null))));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\",{\"keyyy\":1}]"), null))));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/abcdef", array("[\"ev\"]"), null))));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/", array("[\"evvvvv\"]"), null))));
        assertThrows(PacketDecodingException.class,
                () -> decoder.add(ENCODER.encode(Packet.event("/", array("[\"ev\"]"), 101L))));
    }

    @Test
    void forgedLengthsAndCountsAllocateNothing() {
        refused(p -> event(p, 4).packString("x").packArrayHeader(Integer.MAX_VALUE));
        refused(p -> event(p, 4).packString("x").packMapHeader(1 << 30));
        refused(p -> event(p, 4).packString("x").packRawStringHeader(1 << 30));
        refused(p -> event(p, 4).packString("x").packBinaryHeader(Integer.MAX_VALUE));
        refused(p -> event(p, 4).packString("x").packExtensionTypeHeader((byte) 5, 1 << 30));
    }

    @Test
    void encodesWithoutDataOrIdWhenThereIsNone() throws Exception {
        byte[] encoded = ENCODER.encode(Packet.disconnect("/"));
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(encoded)) {
            assertEquals(2, in.unpackMapHeader());
        }
        Packet decoded = DECODER.add(encoded);
        assertNull(decoded.data());
        assertNull(decoded.ackId());
        Packet error = DECODER.add(ENCODER.encode(
                new Packet(PacketType.CONNECT_ERROR, "/", JsonNodeFactory.instance.textNode("no"), null, 0)));
        assertEquals("no", error.data().textValue());
    }

    // ---- helpers ----

    interface Writes {
        void to(MessageBufferPacker packer) throws IOException;
    }

    private static byte[] pack(Writes writes) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            writes.to(packer);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static MessagePacker header(MessagePacker packer, int members) throws IOException {
        return packer.packMapHeader(members);
    }

    /** A valid EVENT's first three members, of a map announcing {@code members}. */
    private static MessagePacker event(MessagePacker packer, int members) throws IOException {
        return header(packer, members).packString("type").packInt(2).packString("nsp").packString("/")
                .packString("data").packArrayHeader(1).packString("ev");
    }

    private static void refused(Writes writes) {
        byte[] frame = pack(writes);
        assertThrows(PacketDecodingException.class, () -> DECODER.add(frame));
    }
}
