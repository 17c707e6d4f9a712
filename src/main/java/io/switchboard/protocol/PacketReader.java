package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Objects;

/**
 * Parses one text frame into a {@link Packet}, following the reference {@code Decoder.decodeString}, and holds
 * the expensive, thread-safe part of decoding (a JSON reader built on its own JsonFactory, whose
 * StreamReadConstraints enforce the {@link DecoderLimits}). Create one per server and hand it to every
 * connection's {@link PacketDecoder}.
 *
 * <p>Where the reference leans on JavaScript's loose number conversions, this reader only takes ASCII digits:
 * it refuses an empty packet (the reference reads {@code ""} as a CONNECT), an empty attachment count
 * ({@code 5-[...]}) and a space where an ack id may start (read as id 0 by the reference). It also refuses ack
 * ids above {@link DecoderLimits#maxAckId()} rather than rounding them.
 */
public final class PacketReader {

    private final DecoderLimits limits;
    private final ObjectReader json;

    /** A reader with {@link DecoderLimits#DEFAULTS}. */
    public PacketReader() {
        this(DecoderLimits.DEFAULTS);
    }

    public PacketReader(DecoderLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNameLength(Math.min(limits.maxKeyLength(), limits.maxStringLength()))
                .build();
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints).build();
        // JSON.parse refuses anything after the value, and so must we: `2["a"]["b"]` is not a packet.
        this.json = new ObjectMapper(factory).reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public DecoderLimits limits() {
        return limits;
    }

    /** A fresh decoder for one connection, sharing this reader. */
    public PacketDecoder newDecoder() {
        return new PacketDecoder(this);
    }

    /**
     * Parses {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}. A binary packet comes back with its
     * placeholders still in {@code data} and the announced count in {@code attachments}; the caller collects
     * the attachments.
     */
    Packet read(String text) throws PacketDecodingException {
        int length = text.length();
        if (length == 0) {
            throw new PacketDecodingException("empty packet");
        }
        char first = text.charAt(0);
        PacketType type = isDigit(first) ? PacketType.fromCode(first - '0') : null;
        if (type == null) {
            throw new PacketDecodingException("unknown packet type " + first);
        }
        int i = 1;

        int attachments = 0;
        if (type.isBinary()) {
            long count = 0;
            int start = i;
            for (; i < length && isDigit(text.charAt(i)); i++) {
                if (count <= Integer.MAX_VALUE) { // stop growing once it is too large anyway
                    count = count * 10 + (text.charAt(i) - '0');
                }
            }
            // At least one: a binary packet without attachments is refused, as by the released parser (4.2.7).
            if (i == start || i == length || text.charAt(i) != '-' || count == 0) {
                throw new PacketDecodingException("Illegal attachments");
            }
            if (count > limits.maxAttachments()) {
                throw new PacketDecodingException("too many attachments");
            }
            attachments = (int) count;
            i++; // the '-'
        }

        String namespace = Packet.MAIN_NAMESPACE;
        if (i < length && text.charAt(i) == '/') {
            // Everything up to the first ',' (or the end) is the namespace, as in the reference.
            int start = i;
            for (; i < length && text.charAt(i) != ','; i++) {
                if (i - start >= limits.maxNamespaceLength()) {
                    throw new PacketDecodingException("namespace longer than " + limits.maxNamespaceLength());
                }
            }
            namespace = text.substring(start, i);
            if (i < length) {
                i++; // the ','
            }
        }

        Long ackId = null;
        if (i < length && isDigit(text.charAt(i))) {
            long id = 0;
            boolean tooLarge = false;
            for (; i < length && isDigit(text.charAt(i)); i++) {
                if (!tooLarge) {
                    id = id * 10 + (text.charAt(i) - '0'); // cannot overflow: id <= 2^53 before this step
                    tooLarge = id > limits.maxAckId();
                }
            }
            if (tooLarge) {
                throw new PacketDecodingException("invalid ack id: larger than " + limits.maxAckId());
            }
            ackId = id;
        }

        JsonNode data = i < length ? parseJson(text.substring(i)) : null;
        String violation = PayloadRules.violation(type, data);
        if (violation != null) {
            throw new PacketDecodingException("invalid payload: " + violation);
        }
        if ((type == PacketType.EVENT || type == PacketType.BINARY_EVENT) && data.get(0).isTextual()
                && data.get(0).textValue().length() > limits.maxEventNameLength()) {
            throw new PacketDecodingException("event name longer than " + limits.maxEventNameLength());
        }
        return new Packet(type, namespace, data, ackId, attachments);
    }

    private JsonNode parseJson(String source) throws PacketDecodingException {
        JsonNode node;
        try {
            node = json.readTree(source);
        } catch (JsonProcessingException e) { // syntax errors and StreamReadConstraints violations
            throw new PacketDecodingException("invalid payload: " + e.getOriginalMessage(), e);
        } catch (Exception e) { // defensive: nothing but PacketDecodingException may escape the decoder
            throw new PacketDecodingException("invalid payload: " + e, e);
        }
        if (node == null || node.isMissingNode()) { // whitespace only; JSON.parse refuses it too
            throw new PacketDecodingException("invalid payload: no JSON value");
        }
        return node;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
