package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import io.switchboard.engine.ClusterMessage;
import org.junit.jupiter.api.Test;

class EngineMessageCodecTest {
    @Test
    void everyTypeRoundTripsWithTextAndFrames() {
        for (ClusterMessage.Type type : ClusterMessage.Type.values()) {
            ClusterMessage message = new ClusterMessage(type, "abcDEF", Long.MAX_VALUE - type.ordinal(),
                    "abcDEF01234567890123", 400 + type.ordinal(), "4é\u001e2[\"x\"]",
                    List.of(new ClusterMessage.Frame(false, "42[]".getBytes()),
                            new ClusterMessage.Frame(true, new byte[] {0, -1, 7})));
            ClusterMessage decoded = EngineMessageCodec.decode(EngineMessageCodec.encode(message));
            assertEquals(type, decoded.type());
            assertEquals(message.from(), decoded.from());
            assertEquals(message.id(), decoded.id());
            assertEquals(message.sid(), decoded.sid());
            assertEquals(message.code(), decoded.code());
            assertEquals(message.text(), decoded.text());
            assertEquals(2, decoded.frames().size());
            assertEquals(false, decoded.frames().get(0).binary());
            assertArrayEquals("42[]".getBytes(), decoded.frames().get(0).bytes());
            assertEquals(true, decoded.frames().get(1).binary());
            assertArrayEquals(new byte[] {0, -1, 7}, decoded.frames().get(1).bytes());
        }
    }

    @Test
    void anAbsentTextStaysAbsentAndAnEmptyOneEmpty() {
        ClusterMessage none = new ClusterMessage(ClusterMessage.Type.POLL_GET, "abcDEF", 1, "s", 0, null, null);
        assertNull(EngineMessageCodec.decode(EngineMessageCodec.encode(none)).text());
        ClusterMessage empty = new ClusterMessage(ClusterMessage.Type.POLL_POST, "abcDEF", 1, "s", 0, "", null);
        assertEquals("", EngineMessageCodec.decode(EngineMessageCodec.encode(empty)).text());
    }

    @Test
    void truncatedOrForeignBytesAreMalformed() {
        byte[] whole = EngineMessageCodec.encode(new ClusterMessage(ClusterMessage.Type.WS_OUT, "abcDEF", 9, "sid",
                0, "text", List.of(new ClusterMessage.Frame(true, new byte[10]))));
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(MalformedMessageException.class, () -> EngineMessageCodec.decode(cut), "cut at " + length);
        }
        byte[] trailing = Arrays.copyOf(whole, whole.length + 1);
        assertThrows(MalformedMessageException.class, () -> EngineMessageCodec.decode(trailing));
        byte[] version = whole.clone();
        version[0] = 9;
        assertThrows(MalformedMessageException.class, () -> EngineMessageCodec.decode(version));
        byte[] type = whole.clone();
        type[1] = 100;
        assertThrows(MalformedMessageException.class, () -> EngineMessageCodec.decode(type));
        // a huge declared length allocates nothing
        byte[] huge = whole.clone();
        huge[2] = 0x7f;
        assertThrows(MalformedMessageException.class, () -> EngineMessageCodec.decode(huge));
    }
}
