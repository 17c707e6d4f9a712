package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.engine.MalformedPacketException;
import io.switchboard.engine.Packet;
import io.switchboard.engine.PacketCodec;

/**
 * The body of a polling POST: packets separated by the record separator, text packets and base64 binary ones
 * ({@code b...}). Only {@link MalformedPacketException} may come out; a payload that decodes is written back in
 * the same format and must decode to the same packets.
 */
class EnginePayloadFuzzTest {

    @FuzzTest
    void pollingPayload(byte[] input) {
        // the server reads the body as UTF-8, replacing what is not
        String body = new String(input, StandardCharsets.UTF_8);
        List<Packet> packets;
        try {
            packets = PacketCodec.decodePayload(body);
        } catch (MalformedPacketException expected) {
            return;
        }
        List<Packet> again;
        try {
            again = PacketCodec.decodePayload(encode(packets));
        } catch (MalformedPacketException e) {
            throw new AssertionError("re-encoded payload refused: " + e.getMessage(), e);
        }
        assertEquals(packets.size(), again.size());
        for (int i = 0; i < packets.size(); i++) {
            Packet first = packets.get(i);
            Packet second = again.get(i);
            assertEquals(first.type(), second.type());
            assertEquals(first.text(), second.text());
            assertArrayEquals(first.binary(), second.binary());
        }
    }

    private static String encode(List<Packet> packets) {
        StringBuilder payload = new StringBuilder();
        for (Packet packet : packets) {
            if (payload.length() > 0) {
                payload.append(PacketCodec.RECORD_SEPARATOR);
            }
            if (packet.isBinary()) {
                payload.append('b').append(Base64.getEncoder().encodeToString(packet.binary()));
            } else {
                payload.append(packet.type().code()).append(packet.text());
            }
        }
        return payload.toString();
    }
}
