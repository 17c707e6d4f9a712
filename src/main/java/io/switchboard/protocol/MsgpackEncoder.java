package io.switchboard.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Encodes packets as {@code socket.io-msgpack-parser} 3.x does: the packet object {@code {type, data, nsp, id}} as
 * one MessagePack map, sent as one binary message. There are no attachments: binary values are msgpack {@code bin}
 * wherever they sit, and the type is always the plain one (EVENT for a BINARY_EVENT, ACK for a BINARY_ACK), as
 * the msgpack parser knows only types 0 to 4.
 *
 * <p>Values are written as notepack.io (the parser's codec) writes the JavaScript values they stand for: integral
 * numbers, doubles included, in the smallest integer format, other numbers as float 64, a {@code MissingNode}
 * as JSON.stringify would treat {@code undefined} (null in an array, member left out of an object).
 *
 * <p>Thread-safe and stateless: share one instance.
 */
public final class MsgpackEncoder {

    private final ObjectMapper mapper;

    public MsgpackEncoder() {
        this(new ObjectMapper());
    }

    /** An encoder converting {@code POJONode} values with {@code mapper}, which must not be reconfigured later. */
    public MsgpackEncoder(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /**
     * The binary message of one packet.
     *
     * @throws IllegalArgumentException for a circular or absurdly deep tree, or an unserializable POJO
     */
    public byte[] encode(Packet packet) {
        JsonNode data = packet.data();
        boolean hasData = data != null && !data.isNull() && !data.isMissingNode();
        boolean hasId = packet.ackId() != null;
        try (MessageBufferPacker out = MessagePack.newDefaultBufferPacker()) {
            out.packMapHeader(2 + (hasData ? 1 : 0) + (hasId ? 1 : 0));
            out.packString("type").packInt(packet.type().isBinary()
                    ? packet.type().plainVariant().code() : packet.type().code());
            if (hasData) {
                out.packString("data");
                write(out, data, 0);
            }
            out.packString("nsp").packString(packet.namespace());
            if (hasId) {
                out.packString("id").packLong(packet.ackId());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack encoding to memory failed", e);
        }
    }

    private void write(MessageBufferPacker out, JsonNode node, int depth) throws IOException {
        if (depth > JsonText.MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + JsonText.MAX_DEPTH + " levels (circular tree?)");
        }
        switch (node.getNodeType()) {
            case ARRAY -> {
                out.packArrayHeader(node.size());
                for (JsonNode element : node) {
                    if (element == null || element.isMissingNode()) {
                        out.packNil();
                    } else {
                        write(out, element, depth + 1);
                    }
                }
            }
            case OBJECT -> {
                int present = 0;
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    present += member.getValue() == null || member.getValue().isMissingNode() ? 0 : 1;
                }
                out.packMapHeader(present);
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    if (member.getValue() != null && !member.getValue().isMissingNode()) {
                        out.packString(member.getKey());
                        write(out, member.getValue(), depth + 1);
                    }
                }
            }
            case STRING -> out.packString(node.textValue());
            case NUMBER -> writeNumber(out, node);
            case BOOLEAN -> out.packBoolean(node.booleanValue());
            case BINARY -> writeBinary(out, node.binaryValue());
            case POJO -> writePojo(out, ((POJONode) node).getPojo(), depth);
            case NULL, MISSING -> out.packNil();
        }
    }

    private static void writeBinary(MessageBufferPacker out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.packNil();
            return;
        }
        out.packBinaryHeader(bytes.length);
        out.writePayload(bytes);
    }

    private void writePojo(MessageBufferPacker out, Object pojo, int depth) throws IOException {
        if (pojo == null) {
            out.packNil();
        } else if (pojo instanceof byte[] bytes) {
            writeBinary(out, bytes);
        } else if (pojo instanceof RawValue raw) {
            // ObjectNode.putRawValue: JSON text the caller vouches for, which msgpack can only carry as its value
            Object value = raw.rawValue();
            String text = value instanceof SerializableString s ? s.getValue() : String.valueOf(value);
            write(out, mapper.readTree(text), depth + 1);
        } else {
            // valueToTree throws IllegalArgumentException when the mapper cannot serialize the object.
            write(out, mapper.valueToTree(pojo), depth + 1);
        }
    }

    private static void writeNumber(MessageBufferPacker out, JsonNode node) throws IOException {
        switch (node.numberType()) {
            case INT, LONG -> out.packLong(node.longValue());
            case BIG_INTEGER -> {
                BigInteger value = node.bigIntegerValue();
                if (value.bitLength() < 64 || value.signum() > 0 && value.bitLength() == 64) {
                    out.packBigInteger(value);
                } else {
                    out.packDouble(value.doubleValue()); // a JavaScript number is a double anyway
                }
            }
            default -> {
                double value = node.doubleValue();
                // notepack writes every integral JavaScript number as an integer (-0 as 0)
                if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 0x1p63) {
                    out.packLong((long) value);
                } else {
                    out.packDouble(value);
                }
            }
        }
    }
}
