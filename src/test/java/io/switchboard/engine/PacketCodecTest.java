package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Engine.IO v4 packet and payload formats, both ways. */
class PacketCodecTest {
    private static final String RS = "\u001e";

    @Test
    void packetTypesAreTheirDigits() {
        PacketType[] expected = {PacketType.OPEN, PacketType.CLOSE, PacketType.PING, PacketType.PONG,
                PacketType.MESSAGE, PacketType.UPGRADE, PacketType.NOOP};
        for (int i = 0; i < expected.length; i++) {
            assertEquals((char) ('0' + i), expected[i].code());
            assertEquals(expected[i], PacketType.of((char) ('0' + i)));
        }
        assertNull(PacketType.of('7'));
        assertNull(PacketType.of('/'));
        assertNull(PacketType.of('a'));
    }

    @Test
    void decodesTextPacketsOfEveryType() throws Exception {
        assertEquals(Packet.text(PacketType.PING, "probe"), textOnly(PacketCodec.decode("2probe")));
        assertEquals(Packet.text(PacketType.PONG, ""), textOnly(PacketCodec.decode("3")));
        assertEquals(Packet.text(PacketType.CLOSE, ""), textOnly(PacketCodec.decode("1")));
        assertEquals(Packet.text(PacketType.UPGRADE, ""), textOnly(PacketCodec.decode("5")));
        assertEquals(Packet.text(PacketType.NOOP, ""), textOnly(PacketCodec.decode("6")));
        Packet message = PacketCodec.decode("4héllo 😀 \u001f 4");
        assertEquals(PacketType.MESSAGE, message.type());
        assertFalse(message.isBinary());
        assertEquals("héllo 😀 \u001f 4", message.text());
    }

    @Test
    void decodesBinaryAsBase64() throws Exception {
        Packet packet = PacketCodec.decode("bAQID/w==");
        assertTrue(packet.isBinary());
        assertEquals(PacketType.MESSAGE, packet.type());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xff}, packet.binary());
        assertArrayEquals(new byte[0], PacketCodec.decode("b").binary());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "9x", "x", "{}", "b!!", "b====", "bAQID*"})
    void rejectsMalformedPackets(String data) {
        assertThrows(MalformedPacketException.class, () -> PacketCodec.decode(data));
    }

    @Test
    void decodesPayloadsSplitOnTheRecordSeparator() throws Exception {
        List<Packet> packets = PacketCodec.decodePayload("4hello" + RS + "bAQI=" + RS + "3" + RS + "4");
        assertEquals(4, packets.size());
        assertEquals("hello", packets.get(0).text());
        assertArrayEquals(new byte[] {1, 2}, packets.get(1).binary());
        assertEquals(PacketType.PONG, packets.get(2).type());
        assertEquals("", packets.get(3).text());
        assertEquals(1, PacketCodec.decodePayload("4only").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", RS, "4a" + RS, RS + "4a", "4a" + RS + RS + "4b", "4a" + RS + "x", "4a" + RS + "b@"})
    void rejectsPayloadsWithAnyBadRecord(String payload) {
        assertThrows(MalformedPacketException.class, () -> PacketCodec.decodePayload(payload));
    }

    @Test
    void outboundTextPacketForms() {
        OutboundPacket message = OutboundPacket.message("héllo");
        assertFalse(message.isBinary());
        assertEquals(PacketType.MESSAGE, message.type());
        assertEquals("4héllo", message.pollingForm());
        assertArrayEquals("4héllo".getBytes(StandardCharsets.UTF_8), message.frameBytes());
        assertEquals("2", OutboundPacket.PING.pollingForm());
        assertEquals("3probe", OutboundPacket.PROBE_PONG.pollingForm());
        assertEquals("6", OutboundPacket.NOOP.pollingForm());
        assertEquals("1", OutboundPacket.CLOSE.pollingForm());
        assertEquals("0{}", OutboundPacket.of(PacketType.OPEN, "{}").pollingForm());
        assertEquals("5", OutboundPacket.of(PacketType.UPGRADE, null).pollingForm());
    }

    @Test
    void outboundBinaryPacketForms() {
        byte[] data = {0, (byte) 0xff, 0x10};
        OutboundPacket binary = OutboundPacket.binary(data);
        assertTrue(binary.isBinary());
        assertEquals("bAP8Q", binary.pollingForm());
        assertArrayEquals(data, binary.frameBytes(), "websocket carries the raw bytes, no prefix");
        assertEquals("b", OutboundPacket.binary(new byte[0]).pollingForm());
    }

    @Test
    void encodedFormsAreComputedOnceAndShared() {
        OutboundPacket packet = OutboundPacket.message("shared");
        assertTrue(packet.pollingForm() == packet.pollingForm());
        assertTrue(packet.frameBytes() == packet.frameBytes());
    }

    @Test
    void pollingPayloadJoinsWithTheRecordSeparator() {
        assertEquals("", PollingTransport.join(List.of(), false));
        assertEquals("1", PollingTransport.join(List.of(), true));
        assertEquals("4a", PollingTransport.join(List.of(OutboundPacket.message("a")), false));
        assertEquals("4a" + RS + "bAQ==" + RS + "2",
                PollingTransport.join(List.of(OutboundPacket.message("a"), OutboundPacket.binary(new byte[] {1}),
                        OutboundPacket.PING), false));
        assertEquals("4a" + RS + "1", PollingTransport.join(List.of(OutboundPacket.message("a")), true));
    }

    @Test
    void encodedPayloadDecodesBackToTheSamePackets() throws Exception {
        List<OutboundPacket> out = List.of(OutboundPacket.message("xy"),
                OutboundPacket.binary(new byte[] {5, 6, 7}), OutboundPacket.message(""));
        List<Packet> back = PacketCodec.decodePayload(PollingTransport.join(out, false));
        assertEquals(3, back.size());
        assertEquals("xy", back.get(0).text());
        assertArrayEquals(new byte[] {5, 6, 7}, back.get(1).binary());
        assertEquals("", back.get(2).text());
    }

    /** Asserts the packet carries no binary, so that record equality (which compares arrays by identity) is exact. */
    private static Packet textOnly(Packet packet) {
        assertNull(packet.binary());
        return packet;
    }
}
