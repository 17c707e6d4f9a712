package io.switchboard.adapter.redis;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * MessagePack as notepack.io (the codec of the Node adapter and emitter) writes and reads it, mapped onto Jackson
 * trees: binary is a {@code BinaryNode} (what Switchboard sends as attachments), a msgpack timestamp (a JS Date)
 * becomes the ISO string a client would see, integer-valued numbers take the smallest int format.
 */
final class MsgPack {
    /** Deeper input is refused: payloads come from the network and recursion must stay bounded. */
    static final int MAX_DEPTH = 200;
    private static final int TIMESTAMP_EXT = -1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What Date.prototype.toJSON prints. */
    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private MsgPack() {
    }

    // ---- encoding ----

    static byte[] encode(JsonNode value) {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            write(packer, value);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack encoding to memory failed", e);
        }
    }

    private static void write(MessageBufferPacker packer, JsonNode value) throws IOException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            packer.packNil();
        } else if (value.isTextual()) {
            packer.packString(value.textValue());
        } else if (value.isBoolean()) {
            packer.packBoolean(value.booleanValue());
        } else if (value.isIntegralNumber()) {
            writeInteger(packer, value.bigIntegerValue());
        } else if (value.isNumber()) {
            writeNumber(packer, value.doubleValue());
        } else if (value.isBinary()) {
            byte[] bytes = value.binaryValue();
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else if (value.isArray()) {
            packer.packArrayHeader(value.size());
            for (JsonNode element : value) {
                write(packer, element);
            }
        } else if (value.isObject()) {
            packer.packMapHeader(value.size());
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                packer.packString(field.getKey());
                write(packer, field.getValue());
            }
        } else {
            // POJO nodes and the like: what JSON.stringify would make of them is the closest analogue
            packer.packString(value.asText());
        }
    }

    private static void writeInteger(MessageBufferPacker packer, BigInteger value) throws IOException {
        if (value.bitLength() < 64) {
            packer.packLong(value.longValue());
        } else if (value.signum() > 0 && value.bitLength() == 64) {
            packer.packBigInteger(value);
        } else {
            packer.packDouble(value.doubleValue()); // JavaScript has no wider integers either
        }
    }

    /** notepack writes integer-valued doubles as ints; doing the same keeps Java and Node output alike. */
    private static void writeNumber(MessageBufferPacker packer, double value) throws IOException {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 0x1p63) {
            packer.packLong((long) value);
        } else {
            packer.packDouble(value);
        }
    }

    // ---- decoding ----

    /** Decodes exactly one value covering the whole input. */
    static JsonNode decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessageException("empty message");
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            JsonNode value = read(unpacker, bytes.length, 0);
            if (unpacker.hasNext()) {
                throw new MalformedMessageException("trailing bytes after the msgpack value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedMessageException malformed) {
                throw malformed;
            }
            throw new MalformedMessageException("not msgpack: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(MessageUnpacker in, int total, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedMessageException("msgpack nested deeper than " + MAX_DEPTH);
        }
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(in.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    BigInteger big = in.unpackBigInteger();
                    return big.bitLength() < 64 ? NODES.numberNode(big.longValue()) : NODES.numberNode(big);
                }
                long number = in.unpackLong();
                return number == (int) number ? NODES.numberNode((int) number) : NODES.numberNode(number);
            case FLOAT:
                return NODES.numberNode(in.unpackDouble());
            case STRING:
                return NODES.textNode(new String(payload(in, in.unpackRawStringHeader(), total),
                        StandardCharsets.UTF_8));
            case BINARY:
                return NODES.binaryNode(payload(in, in.unpackBinaryHeader(), total));
            case ARRAY: {
                int size = count(in, in.unpackArrayHeader(), total);
                ArrayNode array = NODES.arrayNode();
                for (int i = 0; i < size; i++) {
                    array.add(read(in, total, depth + 1));
                }
                return array;
            }
            case MAP: {
                int size = count(in, in.unpackMapHeader(), total);
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < size; i++) {
                    JsonNode key = read(in, total, depth + 1);
                    object.set(keyText(key), read(in, total, depth + 1));
                }
                return object;
            }
            case EXTENSION:
                return extension(in, total);
            default:
                throw new MalformedMessageException("unknown msgpack format " + format);
        }
    }

    /**
     * JavaScript objects have string keys: notepack's map keys are strings, any other key becomes what String(key)
     * gives in JavaScript. Not its JSON text: a map nested in map keys, each level quoting the one below, would grow
     * exponentially (a 1 KB message took gigabytes).
     */
    private static String keyText(JsonNode key) throws IOException {
        if (key.isTextual()) {
            return key.textValue();
        }
        if (key.isObject()) {
            return "[object Object]";
        }
        if (key.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < key.size(); i++) {
                if (i > 0) {
                    joined.append(',');
                }
                if (!key.get(i).isNull()) {
                    joined.append(keyText(key.get(i)));
                }
            }
            return joined.toString();
        }
        if (key.isBinary()) {
            return new String(key.binaryValue(), StandardCharsets.UTF_8);
        }
        return key.asText(); // numbers, booleans, null
    }

    private static JsonNode extension(MessageUnpacker in, int total) throws IOException {
        ExtensionTypeHeader header = in.unpackExtensionTypeHeader();
        if (header.getType() == TIMESTAMP_EXT) {
            Instant instant = in.unpackTimestamp(header);
            return NODES.textNode(JS_DATE.format(instant));
        }
        // notepack decodes other extension types to undefined in practice; null is the closest JSON value
        payload(in, header.getLength(), total);
        return NODES.nullNode();
    }

    /** Reads a payload whose announced length the input can really hold (no allocation from a forged header). */
    private static byte[] payload(MessageUnpacker in, int length, int total) throws IOException {
        if (length < 0 || length > total - in.getTotalReadBytes()) {
            throw new MalformedMessageException("msgpack length " + length + " exceeds the input");
        }
        return in.readPayload(length);
    }

    private static int count(MessageUnpacker in, int count, int total) {
        if (count < 0 || count > total - in.getTotalReadBytes()) {
            throw new MalformedMessageException("msgpack element count " + count + " exceeds the input");
        }
        return count;
    }
}
