package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.engine.MalformedPacketException;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.Packet;
import io.switchboard.engine.PacketType;

/**
 * The body of an Engine.IO 3 polling POST (allowEIO3): a string payload of {@code <length>:<packet>} records, or,
 * first byte 0 or 1, a binary payload as it reaches the decoder (one ISO-8859-1 char per byte). Only
 * {@link MalformedPacketException} may come out; a payload that decodes is encoded again, as a string and as a binary
 * payload, and both must decode to the same packets.
 */
class Eio3PayloadFuzzTest {
    private static final String CODEC = "io.switchboard.engine.Eio3Codec";
    private static final MethodHandle DECODE = Internals.staticMethod(CODEC, "decodePayload", List.class,
            String.class);
    private static final MethodHandle ENCODE_STRING = Internals.staticMethod(CODEC, "encodeStringPayload",
            String.class, List.class, boolean.class);
    private static final MethodHandle ENCODE_BINARY = Internals.staticMethod(CODEC, "encodeBinaryPayload",
            byte[].class, List.class, boolean.class);

    @FuzzTest
    void pollingPayload(byte[] input) throws Throwable {
        boolean binary = input.length > 0 && (input[0] == 0 || input[0] == 1);
        String body = new String(input, binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        List<Packet> packets;
        try {
            packets = decode(body);
        } catch (MalformedPacketException expected) {
            return;
        }
        List<OutboundPacket> outbound = new ArrayList<>();
        for (Packet packet : packets) {
            outbound.add(packet.isBinary() ? OutboundPacket.binary(packet.binary())
                    : OutboundPacket.of(packet.type(), packet.text()));
        }
        assertSame(packets, decode((String) ENCODE_STRING.invoke(outbound, false)));
        byte[] asBinary = (byte[]) ENCODE_BINARY.invoke(outbound, false);
        if (asBinary.length > 0) {
            assertSame(packets, decode(new String(asBinary, StandardCharsets.ISO_8859_1)));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Packet> decode(String body) throws Throwable {
        return (List<Packet>) DECODE.invoke(body);
    }

    private static void assertSame(List<Packet> expected, List<Packet> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Packet first = expected.get(i);
            Packet second = actual.get(i);
            assertEquals(first.type(), second.type());
            assertEquals(first.text(), second.text());
            assertArrayEquals(first.binary(), second.binary());
            assertEquals(first.isBinary() ? PacketType.MESSAGE : first.type(), second.type());
        }
    }
}
