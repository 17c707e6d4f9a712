package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The binary side of the protocol: a binary value inside the JSON is sent as
 * {@code {"_placeholder":true,"num":i}} with the bytes as attachment {@code i}, numbered depth-first (array
 * elements in order, object members in insertion order), as the reference {@code deconstructPacket} does.
 *
 * <p>Deconstruction happens while writing (see {@link JsonText}); this class counts binaries and reconstructs.
 */
final class Placeholders {

    static final String PLACEHOLDER_KEY = "_placeholder";
    static final String NUM_KEY = "num";

    private Placeholders() {
    }

    /**
     * How many {@code BinaryNode}s the tree holds, at any depth.
     *
     * @throws IllegalArgumentException for a tree deeper than {@link JsonText#MAX_DEPTH} (circular?), which the
     *                                  encoder would refuse anyway
     */
    static int countBinaries(JsonNode node) {
        return countBinaries(node, 0);
    }

    private static int countBinaries(JsonNode node, int depth) {
        if (node == null) {
            return 0;
        }
        if (node.isBinary()) {
            return 1;
        }
        if (depth > JsonText.MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + JsonText.MAX_DEPTH + " levels (circular tree?)");
        }
        int count = 0;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                count += countBinaries(child, depth + 1);
            }
        }
        return count;
    }

    /**
     * Replaces every placeholder in a freshly decoded tree (which is modified in place) by the attachment it
     * names, and returns the (possibly replaced) root.
     *
     * <p>Like the reference, a placeholder is any object whose {@code _placeholder} member is {@code true}; its
     * {@code num} must index an attachment received for this packet, otherwise the packet is rejected. Unlike the
     * reference, {@code num} must also have an integral value (the reference would substitute {@code undefined}).
     */
    static JsonNode reconstruct(JsonNode node, List<byte[]> attachments) throws PacketDecodingException {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            if (isPlaceholder(node)) {
                return BinaryNode.valueOf(attachments.get(attachmentIndex(node, attachments.size())));
            }
            ObjectNode object = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                JsonNode replaced = reconstruct(member.getValue(), attachments);
                if (replaced != member.getValue()) {
                    member.setValue(replaced);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                JsonNode replaced = reconstruct(element, attachments);
                if (replaced != element) {
                    ((ArrayNode) node).set(i, replaced);
                }
            }
        }
        return node;
    }

    private static boolean isPlaceholder(JsonNode object) {
        JsonNode flag = object.get(PLACEHOLDER_KEY);
        return flag != null && flag.isBoolean() && flag.booleanValue();
    }

    private static int attachmentIndex(JsonNode placeholder, int received) throws PacketDecodingException {
        JsonNode num = placeholder.get(NUM_KEY);
        // JSON.parse reads 1 and 1.0 alike, so any number with an integral value will do.
        if (num == null || !num.isNumber() || !num.canConvertToExactIntegral() || !num.canConvertToInt()) {
            throw new PacketDecodingException("illegal attachments");
        }
        int index = num.intValue();
        if (index < 0 || index >= received) {
            throw new PacketDecodingException("illegal attachments");
        }
        return index;
    }
}
