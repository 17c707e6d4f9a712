package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Which payload each packet type may carry: the reference decoder's {@code isPayloadValid}, plus the presence
 * rules of the protocol spec. The reference skips validation when a packet has no payload at all, so it would
 * let {@code 2} through as an event without arguments; the spec says an EVENT payload is mandatory, and so is
 * an ACK one (an array, possibly empty), and a CONNECT_ERROR without its payload would crash the reference
 * client, so here only CONNECT and DISCONNECT may come without one.
 */
final class PayloadRules {

    /** Event names the reference refuses on the wire, as they have a meaning of their own. */
    static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private PayloadRules() {
    }

    /** Null if {@code data} (null when absent) suits {@code type}, else why not. */
    static String violation(PacketType type, JsonNode data) {
        return switch (type) {
            case CONNECT -> data == null || data.isObject() ? null : "CONNECT payload must be an object";
            case DISCONNECT -> data == null ? null : "DISCONNECT must not have a payload";
            case CONNECT_ERROR -> data != null && (data.isObject() || data.isTextual())
                    ? null : "CONNECT_ERROR payload must be an object or a string";
            case EVENT, BINARY_EVENT -> eventViolation(data);
            case ACK, BINARY_ACK -> data != null && data.isArray() ? null : "ACK payload must be an array";
        };
    }

    private static String eventViolation(JsonNode data) {
        if (data == null || !data.isArray() || data.isEmpty()) {
            return "EVENT payload must be a non-empty array";
        }
        JsonNode name = data.get(0);
        // The reference also accepts a number as the event name.
        if (name.isNumber()) {
            return null;
        }
        if (!name.isTextual()) {
            return "event name must be a string or a number";
        }
        return RESERVED_EVENTS.contains(name.textValue()) ? "reserved event name: " + name.textValue() : null;
    }
}
