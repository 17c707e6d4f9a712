package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Objects;

/**
 * Converts between application values and the JSON trees packets carry. Binary values ({@code byte[]},
 * {@code ByteBuffer}, at any depth of a map, list or bean) become {@code BinaryNode}s, which the encoder sends
 * as attachments. Thread-safe as long as the mapper is not reconfigured.
 */
public final class EventArgs {

    private final ObjectMapper mapper;

    /** Uses its own default ObjectMapper. */
    public EventArgs() {
        this(new ObjectMapper());
    }

    public EventArgs(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * One value as a tree: a JsonNode is returned as is, {@code null} becomes a JSON null.
     *
     * @throws IllegalArgumentException when the mapper cannot serialize the value
     */
    public JsonNode toNode(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        // Jackson maps byte[] and (the remaining bytes of) ByteBuffer to BinaryNode, null to NullNode.
        JsonNode node = mapper.valueToTree(value);
        return node == null ? mapper.nullNode() : node;
    }

    /** The values as a JSON array, e.g. an ACK's arguments. */
    public ArrayNode array(Object... values) {
        ArrayNode array = mapper.createArrayNode();
        for (Object value : values) {
            array.add(toNode(value));
        }
        return array;
    }

    /** An EVENT payload: {@code [eventName, ...args]}. */
    public ArrayNode event(String eventName, Object... args) {
        ArrayNode array = mapper.createArrayNode();
        array.add(Objects.requireNonNull(eventName, "eventName"));
        for (Object arg : args) {
            array.add(toNode(arg));
        }
        return array;
    }

    /**
     * A tree back to an application type ({@code BinaryNode} to {@code byte[]}, objects to maps or beans).
     *
     * @throws IllegalArgumentException when the tree does not fit the type
     */
    public <T> T fromNode(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot convert " + node.getNodeType() + " to " + type.getName(), e);
        }
    }
}
