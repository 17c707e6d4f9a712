package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.EncodedPacket;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketDecoder;
import io.switchboard.protocol.PacketDecodingException;
import io.switchboard.protocol.PacketEncoder;
import io.switchboard.protocol.PacketReader;

/**
 * The frames of one connection into the Socket.IO decoder: text packets, and binary attachments that complete a
 * BINARY_EVENT or BINARY_ACK (placeholders replaced by the bytes). The input is frames separated by 0xFF, each
 * starting with {@code t} (a text frame, UTF-8) or {@code b} (a binary frame). Only
 * {@link PacketDecodingException} may come out, after which the decoder starts afresh, as a new connection
 * would. Every packet that decodes is encoded again; that encoding decodes and re-encodes to itself. The one
 * exception is a number too large for a double (1e999): like JSON.stringify the encoder writes Infinity as null,
 * which is no longer a valid event name, as with the reference implementation.
 */
class SocketIoPacketFuzzTest {
    private static final PacketReader READER = new PacketReader();
    private static final PacketEncoder ENCODER = new PacketEncoder();

    @FuzzTest
    void connectionFrames(byte[] input) {
        PacketDecoder decoder = READER.newDecoder();
        for (byte[] frame : Frames.split(input)) {
            if (frame.length == 0) {
                continue;
            }
            byte[] content = Arrays.copyOfRange(frame, 1, frame.length);
            Packet packet;
            try {
                packet = frame[0] == 'b' ? decoder.add(content) : decoder.add(new String(content, StandardCharsets.UTF_8));
            } catch (PacketDecodingException expected) {
                decoder = READER.newDecoder();
                continue;
            }
            if (packet != null && !hasInfinity(packet.data())) {
                checkRoundTrip(packet);
            }
        }
    }

    private static void checkRoundTrip(Packet packet) {
        EncodedPacket once = ENCODER.encode(packet);
        EncodedPacket twice = ENCODER.encode(decodeOwn(once));
        assertEquals(once.text(), twice.text());
        assertEquals(once.attachments().size(), twice.attachments().size());
        for (int i = 0; i < once.attachments().size(); i++) {
            assertArrayEquals(once.attachments().get(i), twice.attachments().get(i));
        }
    }

    /** What we send must be what we accept. */
    private static Packet decodeOwn(EncodedPacket encoded) {
        PacketDecoder decoder = READER.newDecoder();
        try {
            Packet packet = decoder.add(encoded.text());
            List<byte[]> attachments = encoded.attachments();
            for (int i = 0; packet == null && i < attachments.size(); i++) {
                packet = decoder.add(attachments.get(i));
            }
            if (packet == null) {
                throw new AssertionError("own encoding left incomplete: " + encoded.text());
            }
            return packet;
        } catch (PacketDecodingException e) {
            throw new AssertionError("own encoding refused: " + encoded.text() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasInfinity(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isFloatingPointNumber()) {
            return !Double.isFinite(node.doubleValue());
        }
        for (JsonNode child : node) {
            if (hasInfinity(child)) {
                return true;
            }
        }
        return false;
    }
}
