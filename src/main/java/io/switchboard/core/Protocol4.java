package io.switchboard.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.protocol.Packet;

/**
 * What Socket.IO protocol 4 (socket.io-client 2.x, over Engine.IO 3) does differently from protocol 5, as the
 * reference server does it for {@code conn.protocol === 3}: the CONNECT carries its handshake data as a query on the
 * namespace ({@code 0/chat?token=abc,}) instead of an auth payload; a socket's id is the one the client computes
 * itself; a refusal's payload is its data, or else its message, as a bare JSON value.
 */
final class Protocol4 {
    private Protocol4() {
    }

    /** A protocol 4 CONNECT rewritten as protocol 5 reads it: the namespace's path, the query as the auth object. */
    static Packet connect(Packet packet) {
        String namespace = packet.namespace();
        int query = namespace.indexOf('?');
        if (query < 0) {
            return packet;
        }
        ObjectNode auth = JsonNodeFactory.instance.objectNode();
        for (String pair : namespace.substring(query + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            // as URLSearchParams: '+' is a space, a later value of a name wins
            auth.put(decode(name), decode(value));
        }
        String path = namespace.substring(0, query);
        return Packet.connect(path.isEmpty() ? Packet.MAIN_NAMESPACE : path, auth);
    }

    private static String decode(String component) {
        try {
            return URLDecoder.decode(component, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return component;   // a stray '%': URLSearchParams keeps it as it is
        }
    }

    /** The id the client gives its socket: the engine's id, after {@code <namespace>#} outside the main one. */
    static String socketId(String namespace, String engineId) {
        return Packet.MAIN_NAMESPACE.equals(namespace) ? engineId : namespace + "#" + engineId;
    }

    /** CONNECT_ERROR of protocol 4: {@code err.data || err.message}. */
    static Packet connectError(String namespace, String message, JsonNode data) {
        JsonNode payload = data != null && !data.isNull() ? data : TextNode.valueOf(message);
        return new Packet(io.switchboard.protocol.PacketType.CONNECT_ERROR, namespace, payload, null, 0);
    }
}
