package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageUnpacker;

/**
 * Reads the MessagePack values of one untrusted message into a Jackson tree, as notepack.io would decode them,
 * within the {@link DecoderLimits}: nesting depth, string and member name lengths, binary values (counted as the
 * default parser counts attachments), and every announced length or element count must fit in what is left of
 * the input, so a forged header allocates nothing. One instance per message.
 */
final class MsgpackValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** notepack's extension type for {@code undefined} (fixext 1) and {@code Date} (fixext 8, milliseconds). */
    private static final byte NOTEPACK_EXT = 0;
    private static final byte TIMESTAMP_EXT = -1;
    /** What Date.prototype.toJSON prints, the value JSON would have carried. */
    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final MessageUnpacker in;
    private final int total;
    private final DecoderLimits limits;
    private int binaries;

    MsgpackValues(MessageUnpacker in, int total, DecoderLimits limits) {
        this.in = in;
        this.total = total;
        this.limits = limits;
    }

    /** How many binary values were read so far. */
    int binaries() {
        return binaries;
    }

    /** Whether a map header comes next. */
    boolean nextIsMap() throws IOException {
        return in.hasNext() && in.getNextFormat().getValueType() == org.msgpack.value.ValueType.MAP;
    }

    /** Reads a map header: how many members follow. */
    int mapHeader() throws IOException, PacketDecodingException {
        return count(in.unpackMapHeader(), 2);
    }

    /** Reads a map key, which must be a string within {@link DecoderLimits#maxKeyLength()}. */
    String key() throws IOException, PacketDecodingException {
        if (in.getNextFormat().getValueType() != org.msgpack.value.ValueType.STRING) {
            throw new PacketDecodingException("invalid payload: map keys must be strings");
        }
        String key = string();
        if (key.length() > limits.maxKeyLength()) {
            throw new PacketDecodingException("invalid payload: member name longer than " + limits.maxKeyLength());
        }
        return key;
    }

    /**
     * Reads one value; {@code depth} is the number of containers around it. {@code undefined} comes back as a
     * {@code MissingNode}.
     */
    JsonNode value(int depth) throws IOException, PacketDecodingException {
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(in.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) { // a small value in a wide format reads as any other
                    BigInteger big = in.unpackBigInteger();
                    return big.bitLength() < 64 ? integer(big.longValue()) : NODES.numberNode(big);
                }
                return integer(in.unpackLong());
            case FLOAT:
                return number(in.unpackDouble());
            case STRING:
                return NODES.textNode(string());
            case BINARY:
                if (++binaries > limits.maxAttachments()) {
                    throw new PacketDecodingException("too many attachments");
                }
                return NODES.binaryNode(payload(in.unpackBinaryHeader()));
            case ARRAY:
                return array(depth + 1);
            case MAP:
                return map(depth + 1);
            case EXTENSION:
                return extension();
            default:
                throw new PacketDecodingException("invalid payload: unknown msgpack format " + format);
        }
    }

    /**
     * A JavaScript number has one kind: an integral float 64 is the same value as that integer (and -0 is 0 in
     * JSON), so it comes back as the integer the encoder would write for it, and decoding is stable.
     */
    private static JsonNode number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 0x1p63) {
            return integer((long) value);
        }
        return NODES.numberNode(value);
    }

    /** The smallest node for an integer, whatever format carried it, so that equal numbers make equal trees. */
    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private ArrayNode array(int depth) throws IOException, PacketDecodingException {
        checkDepth(depth);
        int size = count(in.unpackArrayHeader(), 1);
        ArrayNode array = NODES.arrayNode(Math.min(size, 16));
        for (int i = 0; i < size; i++) {
            JsonNode element = value(depth);
            array.add(element.isMissingNode() ? NODES.nullNode() : element); // as JSON.stringify([undefined])
        }
        return array;
    }

    private ObjectNode map(int depth) throws IOException, PacketDecodingException {
        checkDepth(depth);
        int size = mapHeader();
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < size; i++) {
            String key = key();
            JsonNode member = value(depth);
            if (!member.isMissingNode()) { // as JSON.stringify({a: undefined})
                object.set(key, member);
            }
        }
        return object;
    }

    private void checkDepth(int depth) throws PacketDecodingException {
        if (depth > limits.maxNestingDepth()) {
            throw new PacketDecodingException("invalid payload: nested deeper than " + limits.maxNestingDepth());
        }
    }

    private String string() throws IOException, PacketDecodingException {
        int length = in.unpackRawStringHeader();
        // a string has at most as many characters as UTF-8 bytes: refuse before decoding when the bytes tell
        if (length > limits.maxStringLength() * 3L + 3) {
            throw new PacketDecodingException("invalid payload: string longer than " + limits.maxStringLength());
        }
        String value = new String(payload(length), StandardCharsets.UTF_8);
        if (value.length() > limits.maxStringLength()) {
            throw new PacketDecodingException("invalid payload: string longer than " + limits.maxStringLength());
        }
        return value;
    }

    private JsonNode extension() throws IOException, PacketDecodingException {
        ExtensionTypeHeader header = in.unpackExtensionTypeHeader();
        if (header.getType() == TIMESTAMP_EXT) {
            return NODES.textNode(JS_DATE.format(in.unpackTimestamp(header)));
        }
        byte[] content = payload(header.getLength());
        if (header.getType() == NOTEPACK_EXT && content.length == 8) { // a Date: milliseconds, big-endian int64
            long millis = 0;
            for (byte b : content) {
                millis = millis << 8 | (b & 0xFF);
            }
            if (Math.abs(millis) <= 8_640_000_000_000_000L) { // the range of a JavaScript Date
                return NODES.textNode(JS_DATE.format(Instant.ofEpochMilli(millis)));
            }
            return NODES.nullNode(); // an Invalid Date, which toJSON turns into null
        }
        // notepack decodes fixext 1 type 0 as undefined; other extensions have no JSON value either
        return MissingNode.getInstance();
    }

    /** Reads a payload whose announced length the rest of the input can really hold. */
    private byte[] payload(int length) throws IOException, PacketDecodingException {
        if (length < 0 || length > total - in.getTotalReadBytes()) {
            throw new PacketDecodingException("invalid payload: msgpack length " + length + " exceeds the input");
        }
        return in.readPayload(length);
    }

    /** An element count the rest of the input can hold, each element taking at least {@code bytesEach}. */
    private int count(int count, int bytesEach) throws PacketDecodingException {
        if (count < 0 || (long) count * bytesEach > total - in.getTotalReadBytes()) {
            throw new PacketDecodingException("invalid payload: msgpack element count " + count
                    + " exceeds the input");
        }
        return count;
    }
}
