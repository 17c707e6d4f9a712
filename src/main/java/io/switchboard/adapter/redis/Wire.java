package io.switchboard.adapter.redis;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The two encodings that share the request and response channels, and strict readers for the fields of a message:
 * every accessor throws {@link MalformedMessageException} instead of guessing.
 */
final class Wire {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte OPEN_BRACE = 0x7B;

    private Wire() {
    }

    /** A request or response: JSON when it starts with '{' (as the Node adapter decides), msgpack otherwise. */
    static ObjectNode decodeObject(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new MalformedMessageException("empty message");
        }
        JsonNode node;
        if (payload[0] == OPEN_BRACE) {
            try {
                node = JSON.readTree(payload);
            } catch (Exception e) {
                throw new MalformedMessageException("invalid JSON: " + e.getMessage(), e);
            }
        } else {
            node = MsgPack.decode(payload);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedMessageException("not an object");
        }
        return (ObjectNode) node;
    }

    static byte[] json(JsonNode message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON encoding of a tree failed", e);
        }
    }

    static ObjectMapper mapper() {
        return JSON;
    }

    // ---- strict field readers ----

    static int type(JsonNode message) {
        JsonNode type = message.get("type");
        if (type == null || !type.isIntegralNumber()) {
            throw new MalformedMessageException("missing or non-integer type");
        }
        return type.intValue();
    }

    /** The request id, or null when the message has none. */
    static String optionalRequestId(JsonNode message) {
        JsonNode id = message.get("requestId");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() && !id.isNumber()) {
            throw new MalformedMessageException("requestId is neither a string nor a number");
        }
        return id.asText();
    }

    static String requestId(JsonNode message) {
        String id = optionalRequestId(message);
        if (id == null) {
            throw new MalformedMessageException("missing requestId");
        }
        return id;
    }

    static String optionalText(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    static ObjectNode object(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || !value.isObject()) {
            throw new MalformedMessageException(field + " is not an object");
        }
        return (ObjectNode) value;
    }

    static ArrayNode array(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || !value.isArray()) {
            throw new MalformedMessageException(field + " is not an array");
        }
        return (ArrayNode) value;
    }

    /** {@code [eventName, ...args]}: what an event packet carries; the name must be a string. */
    static ArrayNode eventData(JsonNode message, String field) {
        ArrayNode data = array(message, field);
        if (data.isEmpty() || !data.get(0).isTextual()) {
            throw new MalformedMessageException(field + " does not start with an event name");
        }
        return data;
    }

    /**
     * Room names. Node sends {@code io.to(123)} as the number 123; Switchboard rooms are strings, so numbers are
     * taken by their decimal text, as the channel suffix carries them. Absent means none.
     */
    static Set<String> rooms(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || value.isNull()) {
            return Set.of();
        }
        if (!value.isArray()) {
            throw new MalformedMessageException(field + " is not an array");
        }
        Set<String> rooms = new HashSet<>(value.size() * 2);
        for (JsonNode room : value) {
            if (room.isTextual()) {
                rooms.add(room.textValue());
            } else if (room.isNumber()) {
                rooms.add(room.isIntegralNumber() ? room.bigIntegerValue().toString() : room.asText());
            } else {
                throw new MalformedMessageException(field + " holds a " + room.getNodeType() + " room");
            }
        }
        return rooms;
    }

    /** Whether the tree holds binary anywhere (bounded by the depth msgpack decoding allows). */
    static boolean hasBinary(JsonNode node) {
        return hasBinary(node, 0);
    }

    private static boolean hasBinary(JsonNode node, int depth) {
        if (node == null || depth > MsgPack.MAX_DEPTH) {
            return false;
        }
        if (node.isBinary()) {
            return true;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    static ArrayNode roomArray(Set<String> rooms) {
        ArrayNode array = NODES.arrayNode(rooms.size());
        rooms.forEach(array::add);
        return array;
    }
}
