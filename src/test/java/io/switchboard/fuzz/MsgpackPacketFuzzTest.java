package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.protocol.MsgpackDecoder;
import io.switchboard.protocol.MsgpackEncoder;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketDecodingException;

/**
 * One binary message into the msgpack parser's decoder (the parser sends nothing else), with the default limits.
 * Only {@link PacketDecodingException} may come out. Every packet that decodes is encoded again; that encoding
 * decodes to the same packet and re-encodes to the same bytes.
 */
class MsgpackPacketFuzzTest {
    private static final MsgpackDecoder DECODER = new MsgpackDecoder();
    private static final MsgpackEncoder ENCODER = new MsgpackEncoder();

    @FuzzTest
    void binaryMessage(byte[] input) {
        Packet packet;
        try {
            packet = DECODER.add(input);
        } catch (PacketDecodingException expected) {
            return;
        }
        byte[] once = ENCODER.encode(packet);
        Packet again;
        try {
            again = DECODER.add(once);
        } catch (PacketDecodingException e) {
            throw new AssertionError("own encoding refused: " + e.getMessage(), e);
        }
        assertEquals(packet, again);
        assertArrayEquals(once, ENCODER.encode(again));
    }
}
