package io.switchboard.adapter.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.Handshake;
import io.switchboard.core.SocketInfo;
import io.switchboard.protocol.EventArgs;

/**
 * A fetched socket as the Node adapter sends it: {@code {id, handshake, rooms, data}}, the handshake shaped like
 * socket.io's {@code socket.handshake} (one string per header, query values as strings).
 */
final class WireSocket {
    private WireSocket() {
    }

    // ---- Switchboard socket to the wire ----

    static ObjectNode write(SocketInfo info, EventArgs json) {
        ObjectNode node = Wire.NODES.objectNode();
        node.put("id", info.id());
        node.set("handshake", handshake(info.handshake()));
        node.set("rooms", Wire.roomArray(info.rooms()));
        node.set("data", data(info, json));
        return node;
    }

    private static JsonNode data(SocketInfo info, EventArgs json) {
        try {
            return json.toNode(info.data());
        } catch (IllegalArgumentException e) {
            // a value the mapper cannot serialise must not cost the whole answer; Node would fail the same way
            return Wire.NODES.objectNode();
        }
    }

    private static ObjectNode handshake(Handshake handshake) {
        ObjectNode node = Wire.NODES.objectNode();
        ObjectNode headers = node.putObject("headers");
        // Node joins repeated headers with ", " (set-cookie stays a list)
        handshake.headers().forEach((name, values) -> {
            if ("set-cookie".equals(name)) {
                headers.set(name, strings(values));
            } else {
                headers.put(name, String.join(", ", values));
            }
        });
        node.put("time", handshake.time());
        node.put("address", handshake.address());
        node.put("xdomain", handshake.xdomain());
        node.put("secure", handshake.secure());
        node.put("issued", handshake.issued());
        node.put("url", handshake.url());
        ObjectNode query = node.putObject("query");
        handshake.query().forEach((name, values) -> {
            if (values.size() == 1) {
                query.put(name, values.get(0));
            } else {
                query.set(name, strings(values));
            }
        });
        node.set("auth", handshake.auth() == null ? Wire.NODES.objectNode() : handshake.auth());
        return node;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = Wire.NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }

    // ---- the wire to a SocketInfo ----

    /** Reads one fetched socket; only the id is required, every other field falls back to an empty value. */
    static SocketInfo read(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("id").isTextual()) {
            throw new MalformedMessageException("fetched socket without a string id");
        }
        JsonNode hs = node.path("handshake");
        Handshake handshake = new Handshake(
                multiMap(hs.path("headers")),
                multiMap(hs.path("query")),
                hs.path("auth").isObject() ? (ObjectNode) hs.get("auth") : Wire.NODES.objectNode(),
                hs.path("address").asText(""),
                hs.path("time").asText(""),
                hs.path("issued").asLong(0),
                hs.path("url").asText(""),
                hs.path("secure").asBoolean(false),
                hs.path("xdomain").asBoolean(false));
        return new SocketInfo(node.get("id").textValue(), handshake, Wire.rooms(node, "rooms"), data(node.get("data")));
    }

    /** Any JSON value, as Node's socket.data may be: objects keep their key order (Jackson reads them as LinkedHashMap). */
    private static Object data(JsonNode data) {
        if (data == null || data.isMissingNode()) {
            return Map.of();
        }
        return Wire.mapper().convertValue(data, Object.class);
    }

    private static Map<String, List<String>> multiMap(JsonNode object) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (!object.isObject()) {
            return map;
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            List<String> values = new ArrayList<>(1);
            if (value.isArray()) {
                value.forEach(v -> values.add(v.asText()));
            } else if (!value.isNull()) {
                values.add(value.asText());
            }
            map.put(field.getKey(), List.copyOf(values));
        }
        return map;
    }
}
