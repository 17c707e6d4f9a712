package io.switchboard.fuzz;

import java.lang.invoke.MethodHandle;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Redis adapter's readers for inbound messages (package-private there), used the way its handlers use them,
 * and the check that a refusal is the adapter's own MalformedMessageException.
 */
final class AdapterWire {
    static final String PACKAGE = "io.switchboard.adapter.redis";
    private static final Class<?> MALFORMED = Internals.type(PACKAGE + ".MalformedMessageException");
    private static final String WIRE = PACKAGE + ".Wire";

    static final MethodHandle DECODE_OBJECT =
            Internals.staticMethod(WIRE, "decodeObject", ObjectNode.class, byte[].class);
    private static final MethodHandle TYPE = Internals.staticMethod(WIRE, "type", int.class, JsonNode.class);
    private static final MethodHandle OPTIONAL_REQUEST_ID =
            Internals.staticMethod(WIRE, "optionalRequestId", String.class, JsonNode.class);
    private static final MethodHandle OBJECT =
            Internals.staticMethod(WIRE, "object", ObjectNode.class, JsonNode.class, String.class);
    private static final MethodHandle EVENT_DATA =
            Internals.staticMethod(WIRE, "eventData", ArrayNode.class, JsonNode.class, String.class);
    private static final MethodHandle ROOMS =
            Internals.staticMethod(WIRE, "rooms", Set.class, JsonNode.class, String.class);
    private static final MethodHandle HAS_BINARY =
            Internals.staticMethod(WIRE, "hasBinary", boolean.class, JsonNode.class);
    private static final MethodHandle READ_OPTIONS = Internals.staticMethod(PACKAGE + ".WireOptions", "read",
            Internals.type("io.switchboard.core.BroadcastOptions"), JsonNode.class);
    private static final MethodHandle READ_SOCKET = Internals.staticMethod(PACKAGE + ".WireSocket", "read",
            Internals.type("io.switchboard.core.SocketInfo"), JsonNode.class);

    private AdapterWire() {
    }

    /** Anything but MalformedMessageException escaping a reader is a finding: rethrown as an AssertionError. */
    static void requireMalformed(RuntimeException e) {
        if (!MALFORMED.isInstance(e)) {
            throw new AssertionError("not a MalformedMessageException: " + e, e);
        }
    }

    /** RedisAdapter.onBroadcast: {@code [uid, {type, data, nsp}, {rooms, except, flags}]}. */
    static void readBroadcast(JsonNode message) throws Throwable {
        if (!message.isArray() || message.size() < 3) {
            return;
        }
        message.get(0).asText();
        JsonNode packet = message.get(1);
        if (!packet.isObject()) {
            return;
        }
        JsonNode nsp = packet.get("nsp");
        if (nsp != null && !nsp.isNull()) {
            nsp.asText();
        }
        ArrayNode data = (ArrayNode) EVENT_DATA.invoke(packet, "data");
        HAS_BINARY.invoke((JsonNode) data);
        READ_OPTIONS.invoke(message.get(2));
    }

    /**
     * Every field a request, response or sharded message may carry, read as the classic and sharded handlers and
     * the pending requests read them. Each reader on its own either returns or refuses with
     * MalformedMessageException; a refusal by one does not keep the others from being tried.
     */
    static void readRequest(ObjectNode message) throws Throwable {
        attempt(() -> TYPE.invoke((JsonNode) message));
        attempt(() -> OPTIONAL_REQUEST_ID.invoke((JsonNode) message));
        attempt(() -> ROOMS.invoke((JsonNode) message, "rooms"));
        attempt(() -> READ_OPTIONS.invoke(message.get("opts")));
        attempt(() -> EVENT_DATA.invoke((JsonNode) message, "data"));
        attempt(() -> EVENT_DATA.invoke((JsonNode) message, "packet"));
        attempt(() -> EVENT_DATA.invoke((JsonNode) (ObjectNode) OBJECT.invoke((JsonNode) message, "packet"), "data"));
        JsonNode data = message.get("data");
        if (data != null && data.isObject()) {
            readRequest((ObjectNode) data); // the sharded adapter's envelope: {type, uid, nsp, data: {...}}
        }
        JsonNode sockets = message.get("sockets");
        if (sockets != null && sockets.isArray()) {
            for (JsonNode socket : sockets) {
                attempt(() -> READ_SOCKET.invoke(socket));
            }
        }
    }

    private interface Read {
        void run() throws Throwable;
    }

    private static void attempt(Read read) throws Throwable {
        try {
            read.run();
        } catch (RuntimeException e) {
            requireMalformed(e);
        }
    }
}
