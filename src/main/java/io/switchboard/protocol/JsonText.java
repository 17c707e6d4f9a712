package io.switchboard.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.List;
import java.util.Map;

/**
 * Writes a Jackson tree as the exact text JSON.stringify produces for the same values, so a JavaScript peer
 * (or a byte-comparing test) sees what the reference server would send. Jackson's own generator differs in
 * small ways: it prints {@code 1.0} and {@code 1.0E21} (JavaScript: {@code 1} and {@code 1e+21}), escapes
 * control characters with upper-case hex, cannot escape lone surrogates, and writes {@code NaN} unquoted.
 *
 * <p>Rules, from the ECMAScript JSON.stringify algorithm:
 * <ul>
 *   <li>no whitespace; object members in insertion order;</li>
 *   <li>strings escape {@code "} {@code \} and {@code \b \f \n \r \t}, other characters below U+0020 and lone
 *       surrogates as lower-case {@code \}{@code uXXXX}; everything else (U+2028, emoji, DEL) is written as is;</li>
 *   <li>non-integral numbers as {@link JsNumber}; integral numbers with all their digits (a Java long beyond
 *       2<sup>53</sup> stays exact instead of being rounded as a JavaScript number would be);</li>
 *   <li>{@code MissingNode} behaves as {@code undefined}: {@code null} in an array, member left out of an
 *       object.</li>
 * </ul>
 *
 * <p>Binary values are replaced on the fly by {@code {"_placeholder":true,"num":i}}, their bytes appended to the
 * caller's attachment list; that single depth-first walk is what numbers the attachments. Thread-safe.
 */
final class JsonText {

    /** Guards the recursion: deeper than this is almost certainly a tree that contains itself. */
    static final int MAX_DEPTH = 1000;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Only used to turn {@code POJONode} contents into trees; ObjectMapper is thread-safe once configured. */
    private final ObjectMapper mapper;

    JsonText(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Appends {@code node} to {@code out}. Binary values are appended to {@code attachments} and written as
     * placeholders; when {@code attachments} is {@code null} binary values are refused.
     *
     * @throws IllegalArgumentException for binary data where none is allowed, a too deep (or circular) tree,
     *                                  or a POJO the mapper cannot convert
     */
    void write(JsonNode node, StringBuilder out, List<byte[]> attachments) {
        write(node, out, attachments, 0);
    }

    private void write(JsonNode node, StringBuilder out, List<byte[]> attachments, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels (circular tree?)");
        }
        switch (node.getNodeType()) {
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    JsonNode element = node.get(i);
                    if (element == null || element.isMissingNode()) {
                        out.append("null");
                    } else {
                        write(element, out, attachments, depth + 1);
                    }
                }
                out.append(']');
            }
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    JsonNode value = member.getValue();
                    if (value == null || value.isMissingNode()) {
                        continue;
                    }
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    appendString(out, member.getKey());
                    out.append(':');
                    write(value, out, attachments, depth + 1);
                }
                out.append('}');
            }
            case STRING -> appendString(out, node.textValue());
            case NUMBER -> appendNumber(out, node);
            case BOOLEAN -> out.append(node.booleanValue());
            case BINARY -> appendBinary(out, binaryValue(node), attachments);
            case POJO -> appendPojo(out, ((POJONode) node).getPojo(), attachments, depth);
            case NULL, MISSING -> out.append("null");
        }
    }

    private static byte[] binaryValue(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) { // only text nodes decode base64; a BinaryNode never throws
            throw new IllegalArgumentException(e);
        }
    }

    private static void appendBinary(StringBuilder out, byte[] bytes, List<byte[]> attachments) {
        if (bytes == null) {
            out.append("null");
            return;
        }
        if (attachments == null) {
            throw new IllegalArgumentException("binary data is only allowed in EVENT and ACK packets");
        }
        out.append("{\"" + Placeholders.PLACEHOLDER_KEY + "\":true,\"" + Placeholders.NUM_KEY + "\":")
                .append(attachments.size())
                .append('}');
        attachments.add(bytes);
    }

    private void appendPojo(StringBuilder out, Object pojo, List<byte[]> attachments, int depth) {
        if (pojo == null) {
            out.append("null");
        } else if (pojo instanceof byte[] bytes) {
            appendBinary(out, bytes, attachments);
        } else if (pojo instanceof RawValue raw) {
            // ObjectNode.putRawValue: the caller vouches for the JSON text, written verbatim.
            Object value = raw.rawValue();
            out.append(value instanceof SerializableString s ? s.getValue() : String.valueOf(value));
        } else {
            // valueToTree throws IllegalArgumentException when the mapper cannot serialize the object.
            write(mapper.valueToTree(pojo), out, attachments, depth + 1);
        }
    }

    private static void appendNumber(StringBuilder out, JsonNode node) {
        switch (node.numberType()) {
            case INT, LONG -> out.append(node.longValue());
            case BIG_INTEGER -> out.append(node.bigIntegerValue());
            case FLOAT -> JsNumber.appendFloat(out, node.floatValue());
            case DOUBLE -> JsNumber.appendDouble(out, node.doubleValue());
            case BIG_DECIMAL -> JsNumber.appendDecimal(out, node.decimalValue());
        }
    }

    /** JSON.stringify's QuoteJSONString (ES2019, "well-formed JSON.stringify"). */
    static void appendString(StringBuilder out, String s) {
        out.append('"');
        int length = s.length();
        int runStart = 0; // characters from runStart to i need no escaping and are copied in bulk
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            String escape = null;
            boolean unicodeEscape = false;
            if (c < 0x20 || c == '"' || c == '\\') {
                switch (c) {
                    case '"' -> escape = "\\\"";
                    case '\\' -> escape = "\\\\";
                    case '\b' -> escape = "\\b";
                    case '\f' -> escape = "\\f";
                    case '\n' -> escape = "\\n";
                    case '\r' -> escape = "\\r";
                    case '\t' -> escape = "\\t";
                    default -> unicodeEscape = true;
                }
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // a proper pair is written as is
                    continue;
                }
                unicodeEscape = true; // a lone surrogate cannot be encoded in UTF-8
            } else {
                continue;
            }
            out.append(s, runStart, i);
            if (unicodeEscape) {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(escape);
            }
            runStart = i + 1;
        }
        out.append(s, runStart, length).append('"');
    }
}
