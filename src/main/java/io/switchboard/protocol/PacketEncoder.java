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
 * Thread-safe and stateless: share one instance.
 */
public final class PacketEncoder {

    private final JsonText json;

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

        // The header depends on the attachment count, known only once the JSON is written.
        // most packets are small: one allocation instead of four or five doublings from the default 16 chars
        StringBuilder body = new StringBuilder(256);
        if (data != null && !data.isNull() && !data.isMissingNode()) {
            json.write(data, body, attachments);
        }
        if (attachments != null) {
            type = attachments.isEmpty() ? type.plainVariant() : type.binaryVariant();
        }

        String namespace = packet.namespace();
        StringBuilder text = new StringBuilder(body.length() + namespace.length() + 24);
        text.append(type.code());
        if (type.isBinary()) {
            text.append(attachments.size()).append('-');
        }
        if (!Packet.MAIN_NAMESPACE.equals(namespace)) {
            text.append(namespace).append(',');
        }
        if (packet.ackId() != null) {
            text.append(packet.ackId().longValue());
        }
        text.append(body);
        return new EncodedPacket(text.toString(), attachments == null ? List.of() : attachments);
    }
}
