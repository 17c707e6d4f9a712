package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One logical Socket.IO packet.
 *
 * <p>Binary payloads (Jackson {@code BinaryNode}) sit inside {@code data} wherever the application put them; the
 * encoder swaps them for placeholders on the way out and the decoder swaps them back in. {@code attachments} is
 * the number of such binaries: the factories compute it (and pick EVENT vs BINARY_EVENT from the content), the
 * decoder reports what the wire announced. The encoder ignores it and recounts, so a hand-built packet cannot
 * announce a wrong count.
 *
 * <p>The record is shallowly immutable: {@code data} is a mutable Jackson tree that is not copied (copying every
 * broadcast payload would be wasteful), so do not modify a tree once it is in a packet.
 *
 * @param type        the packet type
 * @param namespace   starts with {@code "/"} and contains no {@code ','}; {@code null} means {@code "/"}
 * @param data        the payload, {@code null} when the packet has none
 * @param ackId       the acknowledgement id, {@code null} when none; 0 to 2<sup>53</sup>-1 so a JavaScript peer
 *                    reads it exactly
 * @param attachments how many binary attachments the packet carries, at least 0
 */
public record Packet(PacketType type, String namespace, JsonNode data, Long ackId, int attachments) {

    /** The main namespace, omitted from the encoded form. */
    public static final String MAIN_NAMESPACE = "/";

    /** {@code Number.MAX_SAFE_INTEGER}: the largest ack id a JavaScript peer can represent exactly. */
    public static final long MAX_ACK_ID = (1L << 53) - 1;

    public Packet {
        Objects.requireNonNull(type, "type");
        if (namespace == null) {
            namespace = MAIN_NAMESPACE;
        }
        // A namespace without the leading slash, or with a comma, would be misread by every decoder.
        if (!namespace.startsWith("/") || namespace.indexOf(',') >= 0) {
            throw new IllegalArgumentException("namespace must start with '/' and contain no ',': " + namespace);
        }
        if (ackId != null && (ackId < 0 || ackId > MAX_ACK_ID)) {
            throw new IllegalArgumentException("ack id out of range [0, 2^53-1]: " + ackId);
        }
        if (attachments < 0) {
            throw new IllegalArgumentException("negative attachment count: " + attachments);
        }
    }

    /** A CONNECT packet, with an optional payload (the client's {@code auth}, or the server's reply). */
    public static Packet connect(String namespace, ObjectNode data) {
        return new Packet(PacketType.CONNECT, namespace, data, null, 0);
    }

    /** The server's CONNECT reply: {@code {"sid":"..."}}. */
    public static Packet connectReply(String namespace, String sid) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("sid", Objects.requireNonNull(sid, "sid"));
        return connect(namespace, data);
    }

    /** A refused connection: {@code {"message":"..."}}, as the reference server sends it. */
    public static Packet connectError(String namespace, String message) {
        return connectError(namespace, message, null);
    }

    /**
     * A refused connection with extra details: {@code {"message":"...","data":...}}. A {@code null} {@code data}
     * is left out, as JSON.stringify drops an undefined {@code err.data}.
     */
    public static Packet connectError(String namespace, String message, JsonNode data) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("message", Objects.requireNonNull(message, "message"));
        if (data != null) {
            payload.set("data", data);
        }
        return new Packet(PacketType.CONNECT_ERROR, namespace, payload, null, 0);
    }

    /**
     * An event: {@code args} is {@code [eventName, ...arguments]}. Becomes a BINARY_EVENT when the arguments
     * hold binary data. {@code ackId} is {@code null} when no acknowledgement is requested.
     */
    public static Packet event(String namespace, ArrayNode args, Long ackId) {
        return withBinaryType(PacketType.EVENT, namespace, Objects.requireNonNull(args, "args"), ackId);
    }

    /** The acknowledgement of event {@code ackId}, with the callback's arguments (possibly none). */
    public static Packet ack(String namespace, ArrayNode args, long ackId) {
        return withBinaryType(PacketType.ACK, namespace, Objects.requireNonNull(args, "args"), ackId);
    }

    /** Leaving a namespace. */
    public static Packet disconnect(String namespace) {
        return new Packet(PacketType.DISCONNECT, namespace, null, null, 0);
    }

    private static Packet withBinaryType(PacketType plain, String namespace, ArrayNode args, Long ackId) {
        int binaries = Placeholders.countBinaries(args);
        PacketType type = binaries > 0 ? plain.binaryVariant() : plain;
        return new Packet(type, namespace, args, ackId, binaries);
    }
}
