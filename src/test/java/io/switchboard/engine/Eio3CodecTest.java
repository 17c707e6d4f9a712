package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Engine.IO 3 packet and payload formats. The expected forms are worked out by hand from the protocol (v3 of
 * engine.io-protocol) and checked against what socket.io-client 2.5.0 sends (e.g. {@code 6:b4AQID}).
 */
class Eio3CodecTest {
    /** "h\u00e9llo " and an emoji: 8 UTF-16 units for 7 code points and 11 UTF-8 bytes. */
    private static final String TEXT = "h\u00e9llo \uD83D\uDE00";

    @Test
    void stringPayloadLengthsCountUtf16Units() {
        String payload = Eio3Codec.encodeStringPayload(List.of(OutboundPacket.message(TEXT)), false);
        assertEquals("9:4" + TEXT, payload);
    }

    @Test
    void stringPayloadCarriesBinaryAsBase64AndEndsWithTheClose() {
        String payload = Eio3Codec.encodeStringPayload(List.of(OutboundPacket.message("51-[\"a\"]"),
                OutboundPacket.binary(new byte[] {1, 2, 3})), true);
        assertEquals("9:451-[\"a\"]6:b4AQID1:1", payload);
        assertEquals("0:", Eio3Codec.encodeStringPayload(List.of(), false), "an empty payload, as the reference");
    }

    @Test
    void stringPayloadRoundTrips() throws Exception {
        List<OutboundPacket> sent = List.of(OutboundPacket.message(TEXT), OutboundPacket.binary(allBytes()),
                OutboundPacket.of(PacketType.PING, "probe"), OutboundPacket.message(""));
        List<Packet> read = Eio3Codec.decodePayload(Eio3Codec.encodeStringPayload(sent, true));
        assertEquals(5, read.size());
        assertEquals(Packet.text(PacketType.MESSAGE, TEXT), read.get(0));
        assertArrayEquals(allBytes(), read.get(1).binary());
        assertEquals(Packet.text(PacketType.PING, "probe"), read.get(2));
        assertEquals(Packet.text(PacketType.MESSAGE, ""), read.get(3));
        assertEquals(Packet.text(PacketType.CLOSE, ""), read.get(4));
    }

    @Test
    void binaryPayloadFramesTextAsUtf8AndBinaryWithItsTypeByte() {
        byte[] payload = Eio3Codec.encodeBinaryPayload(List.of(OutboundPacket.message("h\u00e9"),
                OutboundPacket.binary(new byte[] {1, 2, 3})), false);
        // text: kind 0, length 4 (UTF-8 bytes of "4h\u00e9") as digit bytes, 0xFF; binary: kind 1, length 4 (type
        // byte and data), 0xFF, type byte 4
        assertArrayEquals(new byte[] {0, 4, (byte) 0xFF, '4', 'h', (byte) 0xC3, (byte) 0xA9,
                1, 4, (byte) 0xFF, 4, 1, 2, 3}, payload);
    }

    @Test
    void binaryPayloadWritesEachDigitOfALongLength() {
        byte[] data = new byte[1234];
        byte[] payload = Eio3Codec.encodeBinaryPayload(List.of(OutboundPacket.binary(data)), true);
        assertArrayEquals(new byte[] {1, 1, 2, 3, 5, (byte) 0xFF, 4}, java.util.Arrays.copyOf(payload, 7));
        int close = 7 + 1234;
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF, '1'}, java.util.Arrays.copyOfRange(payload, close,
                payload.length));
    }

    @Test
    void binaryPayloadRoundTripsThroughItsIso88591Form() throws Exception {
        byte[] payload = Eio3Codec.encodeBinaryPayload(List.of(OutboundPacket.message(TEXT),
                OutboundPacket.binary(allBytes()), OutboundPacket.message("4x")), false);
        List<Packet> read = Eio3Codec.decodePayload(new String(payload, StandardCharsets.ISO_8859_1));
        assertEquals(3, read.size());
        assertEquals(Packet.text(PacketType.MESSAGE, TEXT), read.get(0));
        assertArrayEquals(allBytes(), read.get(1).binary());
        assertEquals(Packet.text(PacketType.MESSAGE, "4x"), read.get(2));
    }

    @Test
    void packetsOfEveryForm() throws Exception {
        assertEquals(Packet.text(PacketType.PING, "probe"), Eio3Codec.decodePacket("2probe"));
        assertEquals(Packet.text(PacketType.PING, ""), Eio3Codec.decodePacket("2"));
        assertArrayEquals(new byte[] {1, 2, 3}, Eio3Codec.decodePacket("b4AQID").binary());
        assertArrayEquals(new byte[] {9, 8}, Eio3Codec.decodeBinaryPacket(new byte[] {4, 9, 8}).binary());
        assertArrayEquals(new byte[] {4, 9, 8}, Eio3Codec.binaryFrameContent(new byte[] {9, 8}));
        assertEquals("b4AQID", OutboundPacket.binary(new byte[] {1, 2, 3}).eio3TextForm());
        assertEquals("4abc", OutboundPacket.message("abc").eio3TextForm());
    }

    @Test
    void aBinaryPacketsWebSocketFrameStartsWithItsTypeByte() {
        byte[] frame = io.netty.buffer.ByteBufUtil.getBytes(
                OutboundPacket.binary(new byte[] {7, 7}).eio3WebSocketFrameBuffer());
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 4, 7, 7}, frame);
        OutboundPacket text = OutboundPacket.message("x");
        assertArrayEquals(text.webSocketFrame(), io.netty.buffer.ByteBufUtil.getBytes(text.eio3WebSocketFrameBuffer()),
                "a text packet's frame is the v4 one");
    }

    @Test
    void aBroadcastPacketBuildsItsVersion3FrameOnceForAllItsRecipients() {
        OutboundPacket packet = OutboundPacket.binary(new byte[] {1, 2});
        assertTrue(packet.eio3WebSocketFrameBuffer().array() == packet.eio3WebSocketFrameBuffer().array(),
                "every v3 recipient is written a view of the same bytes");
    }

    @Test
    void anExchangeThatTakesNoBinaryGetsBase64Instead() {
        // a poll relayed from another node answers with text only: the v3 client reads b4... records as well
        FakePollExchange relayed = new FakePollExchange();
        new Eio3PollingTransport(true).respond(relayed, List.of(OutboundPacket.binary(new byte[] {1, 2, 3})), false);
        assertEquals("6:b4AQID", relayed.payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4", ":4", "x:4a", "3:4a", "2:4a1", "1:x", "2:b2", "7:b4!!!!!",
            "12345678901:4", "-1:4", "9:4h\u00e9llo", "12:4" + TEXT})
    void malformedStringPayloadsAreRefused(String payload) {
        assertThrows(MalformedPacketException.class, () -> Eio3Codec.decodePayload(payload));
    }

    @Test
    void malformedBinaryPayloadsAreRefused() {
        for (byte[] payload : new byte[][] {
                {0},                                   // no length
                {0, 5},                                // no end of length
                {0, (byte) 0xFF, '4'},                 // empty length
                {0, 2, (byte) 0xFF, '4'},              // shorter than announced
                {0, 12, (byte) 0xFF, '4'},             // a "digit" over 9
                {1, 2, (byte) 0xFF, 2, 0},             // binary that is not a message
                {1, 1, (byte) 0xFF, 4, 2},             // trailing garbage: kind 2
                {0, 3, (byte) 0xFF, '4', (byte) 0xC3, 0x28},   // invalid UTF-8
                {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, (byte) 0xFF, '4'},   // 11 digits
        }) {
            assertThrows(MalformedPacketException.class,
                    () -> Eio3Codec.decodePayload(new String(payload, StandardCharsets.ISO_8859_1)),
                    java.util.Arrays.toString(payload));
        }
        assertThrows(MalformedPacketException.class, () -> Eio3Codec.decodeBinaryPacket(new byte[0]));
        assertThrows(MalformedPacketException.class, () -> Eio3Codec.decodeBinaryPacket(new byte[] {2, 1}));
    }

    @Test
    void anEmptyRecordIsSkipped() throws Exception {
        assertTrue(Eio3Codec.decodePayload("0:").isEmpty());
        assertEquals(List.of(Packet.text(PacketType.MESSAGE, "a")), Eio3Codec.decodePayload("0:2:4a"));
    }

    private static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
