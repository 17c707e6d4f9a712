package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes packets the way the reference {@code socket.io-parser} Encoder does:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}.
 *
 * <ul>
 *   <li>the namespace is written, followed by {@code ,}, only when it is not {@code "/"} (so a bare CONNECT to
 *       {@code /admin} is {@code 0/admin,});</li>
 *   <li>the JSON is left out when {@code data} is {@code null} or a JSON null, as {@code null != obj.data}
 *       does;</li>
 *   <li>EVENT and ACK whose data holds binary values become BINARY_EVENT and BINARY_ACK with the attachment
 *       count and placeholders; BINARY_EVENT and BINARY_ACK without any binary value go out as plain EVENT and
 *       ACK. The wire type thus always follows the content, and {@link Packet#attachments()} is not
 *       trusted;</li>
 *   <li>binary values in CONNECT, DISCONNECT or CONNECT_ERROR are refused (the reference would mangle them
 *       into {@code {"type":"Buffer","data":[...]}}).</li>
 * </ul>
 *
 * Thread-safe: share one instance. Each thread writes into a builder of its own that it keeps between packets, so
 * encoding a packet allocates little more than its text.
 */
public final class PacketEncoder {
    /** A builder that grew past this for a big packet is dropped after it rather than kept by its thread. */
    private static final int KEPT_BUILDER_CHARS = 8192;

    private final JsonText json;
    private final ThreadLocal<StringBuilder> builders = new ThreadLocal<>();

    /** An encoder with its own default ObjectMapper (only used for {@code POJONode} values). */
    public PacketEncoder() {
        this(new ObjectMapper());
    }

    /** An encoder converting {@code POJONode} values with {@code mapper}, which must not be reconfigured later. */
    public PacketEncoder(ObjectMapper mapper) {
        this.json = new JsonText(Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * @throws IllegalArgumentException when the data cannot be encoded: binary data in a packet type that
     *                                  cannot carry it, a circular or absurdly deep tree, an unserializable POJO
     */
    public EncodedPacket encode(Packet packet) {
        PacketType type = packet.type();
        JsonNode data = packet.data();
        List<byte[]> attachments = type.canCarryBinary() ? new ArrayList<>(0) : null;

        // taken from the thread while in use, so that an encode inside this one (a POJO's serializer) gets its own
        StringBuilder text = builders.get();
        if (text == null) {
            text = new StringBuilder(256);
        } else {
            builders.set(null);
            text.setLength(0);
        }
        try {
            return encode(packet, type, data, attachments, text);
        } finally {
            if (text.capacity() <= KEPT_BUILDER_CHARS) {
                builders.set(text);
            }
        }
    }

    private EncodedPacket encode(Packet packet, PacketType type, JsonNode data, List<byte[]> attachments,
            StringBuilder text) {
        // The header depends on the attachment count, known only once the JSON is written: the body goes into the
        // builder first and the header is put in front of it.
        if (data != null && !data.isNull() && !data.isMissingNode()) {
            json.write(data, text, attachments);
        }
        if (attachments != null) {
            type = attachments.isEmpty() ? type.plainVariant() : type.binaryVariant();
        }

        String namespace = packet.namespace();
        int at = 0;
        text.insert(at++, type.code());
        if (type.isBinary()) {
            String count = Integer.toString(attachments.size());
            text.insert(at, count).insert(at + count.length(), '-');
            at += count.length() + 1;
        }
        if (!Packet.MAIN_NAMESPACE.equals(namespace)) {
            text.insert(at, namespace).insert(at + namespace.length(), ',');
            at += namespace.length() + 1;
        }
        if (packet.ackId() != null) {
            text.insert(at, packet.ackId().longValue());
        }
        return new EncodedPacket(text.toString(), attachments == null ? List.of() : attachments);
    }
}
