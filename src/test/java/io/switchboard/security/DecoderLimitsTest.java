package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.DecoderLimits;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketDecoder;
import io.switchboard.protocol.PacketDecodingException;
import io.switchboard.protocol.PacketReader;
import org.junit.jupiter.api.Test;

/** The event name and member name ceilings of the decoder, with the defaults they ship with. */
class DecoderLimitsTest {

    private static Packet decode(DecoderLimits limits, String text) throws PacketDecodingException {
        PacketDecoder decoder = new PacketReader(limits).newDecoder();
        return decoder.add(text);
    }

    @Test
    void eventNamesAreBoundedSeparatelyFromStrings() throws Exception {
        DecoderLimits limits = DecoderLimits.DEFAULTS.withMaxEventNameLength(5);
        assertEquals("abcde", decode(limits, "2[\"abcde\",\"a longer string argument\"]").data().get(0).asText());
        PacketDecodingException e = assertThrows(PacketDecodingException.class,
                () -> decode(limits, "2[\"abcdef\"]"));
        assertTrue(e.getMessage().contains("event name longer than 5"), e.getMessage());
        assertThrows(PacketDecodingException.class, () -> decode(limits, "51-[\"abcdef\",{\"_placeholder\":true,"
                + "\"num\":0}]"));
        // an ack carries no event name: its first argument may be as long as any string
        decode(limits, "31[\"abcdefghij\"]");
    }

    @Test
    void memberNamesAreBoundedByTheKeyLength() throws Exception {
        DecoderLimits limits = DecoderLimits.DEFAULTS.withMaxKeyLength(4);
        decode(limits, "2[\"e\",{\"abcd\":\"a value longer than four\"}]");
        assertThrows(PacketDecodingException.class, () -> decode(limits, "2[\"e\",{\"abcde\":1}]"));
        assertThrows(PacketDecodingException.class, () -> decode(limits, "0{\"tokens\":1}"));
    }

    @Test
    void theDefaultsBoundEventNamesAndKeys() throws Exception {
        assertEquals(512, DecoderLimits.DEFAULTS.maxEventNameLength());
        assertEquals(10_000, DecoderLimits.DEFAULTS.maxKeyLength());
        decode(DecoderLimits.DEFAULTS, "2[\"" + "e".repeat(512) + "\"]");
        assertThrows(PacketDecodingException.class,
                () -> decode(DecoderLimits.DEFAULTS, "2[\"" + "e".repeat(513) + "\"]"));
        assertThrows(PacketDecodingException.class,
                () -> decode(DecoderLimits.DEFAULTS, "2[\"e\",{\"" + "k".repeat(10_001) + "\":1}]"));
    }
}
