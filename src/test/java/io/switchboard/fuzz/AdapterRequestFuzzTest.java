package io.switchboard.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A message on a Redis request or response channel (classic adapter) or a sharded channel: JSON when it starts
 * with '{', msgpack otherwise, as the Node adapter decides. Decoded with the adapter's Wire, then every field read
 * as its handlers read it. Only the adapter's MalformedMessageException may come out.
 */
class AdapterRequestFuzzTest {

    @FuzzTest
    void requestMessage(byte[] input) throws Throwable {
        ObjectNode message;
        try {
            message = (ObjectNode) AdapterWire.DECODE_OBJECT.invokeExact(input);
        } catch (RuntimeException e) {
            AdapterWire.requireMalformed(e);
            return;
        }
        AdapterWire.readRequest(message);
    }
}
