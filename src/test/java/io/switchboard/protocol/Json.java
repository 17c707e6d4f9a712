package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Test shorthand for building trees. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ArrayNode array(String json) {
        return (ArrayNode) parse(json);
    }

    static ObjectNode object(String json) {
        return (ObjectNode) parse(json);
    }

    static BinaryNode bin(String utf8) {
        return BinaryNode.valueOf(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static BinaryNode bin(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return BinaryNode.valueOf(data);
    }
}
