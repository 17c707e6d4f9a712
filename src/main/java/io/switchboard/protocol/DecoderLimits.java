package io.switchboard.protocol;

/**
 * What the decoder accepts from a peer, beyond the protocol rules. Everything a client sends is untrusted, so
 * each dimension an attacker could inflate has a ceiling; exceeding one is a {@link PacketDecodingException}.
 *
 * @param maxAttachments     binary attachments one packet may announce (the reference default is 10); 0 refuses
 *                           binary packets altogether
 * @param maxNestingDepth    JSON nesting depth (arrays plus objects); the event's argument array counts as 1.
 *                           At most 1000, as the tree is walked recursively
 * @param maxStringLength    characters in one JSON string value
 * @param maxNamespaceLength characters in a namespace, including the leading {@code /}
 * @param maxAckId           largest ack id; at most 2<sup>53</sup>-1, which JavaScript peers can represent
 * @param maxKeyLength       characters in one JSON object member name (which maxStringLength bounds too)
 * @param maxEventNameLength characters in an event name (the first element of an EVENT payload); names are
 *                           counted per event by metrics and rate limits, so they are kept short
 */
public record DecoderLimits(
        int maxAttachments, int maxNestingDepth, int maxStringLength, int maxNamespaceLength, long maxAckId,
        int maxKeyLength, int maxEventNameLength) {

    /** Deepest {@link #maxNestingDepth()} allowed. */
    public static final int MAX_NESTING_DEPTH = 1000;

    /**
     * 10 attachments, depth 32, strings of up to 1,000,000 characters (Engine.IO's default maxPayload is 1 MB
     * anyway), namespaces of up to 256 characters, ack ids up to 2<sup>53</sup>-1, member names of up to 10,000
     * characters and event names of up to 512.
     */
    public static final DecoderLimits DEFAULTS = new DecoderLimits(10, 32, 1_000_000, 256, Packet.MAX_ACK_ID,
            10_000, 512);

    public DecoderLimits {
        if (maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must be >= 0: " + maxAttachments);
        }
        if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH) {
            throw new IllegalArgumentException("maxNestingDepth must be in [1, 1000]: " + maxNestingDepth);
        }
        if (maxStringLength < 1) {
            throw new IllegalArgumentException("maxStringLength must be >= 1: " + maxStringLength);
        }
        if (maxNamespaceLength < 1) {
            throw new IllegalArgumentException("maxNamespaceLength must be >= 1: " + maxNamespaceLength);
        }
        if (maxAckId < 0 || maxAckId > Packet.MAX_ACK_ID) {
            throw new IllegalArgumentException("maxAckId must be in [0, 2^53-1]: " + maxAckId);
        }
        if (maxKeyLength < 1) {
            throw new IllegalArgumentException("maxKeyLength must be >= 1: " + maxKeyLength);
        }
        if (maxEventNameLength < 1) {
            throw new IllegalArgumentException("maxEventNameLength must be >= 1: " + maxEventNameLength);
        }
    }

    public DecoderLimits withMaxAttachments(int value) {
        return new DecoderLimits(value, maxNestingDepth, maxStringLength, maxNamespaceLength, maxAckId,
                maxKeyLength, maxEventNameLength);
    }

    public DecoderLimits withMaxNestingDepth(int value) {
        return new DecoderLimits(maxAttachments, value, maxStringLength, maxNamespaceLength, maxAckId,
                maxKeyLength, maxEventNameLength);
    }

    public DecoderLimits withMaxStringLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, value, maxNamespaceLength, maxAckId,
                maxKeyLength, maxEventNameLength);
    }

    public DecoderLimits withMaxNamespaceLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, value, maxAckId,
                maxKeyLength, maxEventNameLength);
    }

    public DecoderLimits withMaxAckId(long value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, maxNamespaceLength, value,
                maxKeyLength, maxEventNameLength);
    }

    public DecoderLimits withMaxKeyLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, maxNamespaceLength, maxAckId,
                value, maxEventNameLength);
    }

    public DecoderLimits withMaxEventNameLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, maxNamespaceLength, maxAckId,
                maxKeyLength, value);
    }
}
