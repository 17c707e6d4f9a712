package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.invoke.MethodHandle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message on a Redis broadcast channel, as the Node adapter and emitter publish it: msgpack of
 * {@code [uid, packet, opts]}. Decoded with the adapter's MsgPack, then read the way the adapter reads a broadcast
 * (event data, rooms, except, flags). Only the adapter's MalformedMessageException may come out. Whatever
 * decodes is encoded again; that encoding decodes and re-encodes to the same bytes.
 */
class AdapterMsgPackFuzzTest {
    private static final MethodHandle DECODE =
            Internals.staticMethod(AdapterWire.PACKAGE + ".MsgPack", "decode", JsonNode.class, byte[].class);
    private static final MethodHandle ENCODE =
            Internals.staticMethod(AdapterWire.PACKAGE + ".MsgPack", "encode", byte[].class, JsonNode.class);

    @FuzzTest
    void broadcastMessage(byte[] input) throws Throwable {
        JsonNode message;
        try {
            message = (JsonNode) DECODE.invokeExact(input);
            AdapterWire.readBroadcast(message);
        } catch (RuntimeException e) {
            AdapterWire.requireMalformed(e);
            return;
        }
        byte[] once = (byte[]) ENCODE.invokeExact(message);
        JsonNode decodedAgain;
        try {
            decodedAgain = (JsonNode) DECODE.invokeExact(once);
        } catch (RuntimeException e) {
            throw new AssertionError("own msgpack refused", e);
        }
        byte[] twice = (byte[]) ENCODE.invokeExact(decodedAgain);
        assertArrayEquals(once, twice);
    }
}
