package io.switchboard.protocol;

/**
 * What the decoder accepts from a peer, beyond the protocol rules. Everything a client sends is untrusted, so
 * each dimension an attacker could inflate has a ceiling; exceeding one is a {@link PacketDecodingException}.
 *
 * @param maxAttachments     binary attachments one packet may announce (the reference default is 10); 0 refuses
 *                           binary packets altogether
 * @param maxNestingDepth    JSON nesting depth (arrays plus objects); the event's argument array counts as 1.
 *                           At most 1000, as the tree is walked recursively
 * @param maxStringLength    characters in one JSON string value or member name
 * @param maxNamespaceLength characters in a namespace, including the leading {@code /}
 * @param maxAckId           largest ack id; at most 2<sup>53</sup>-1, which JavaScript peers can represent
 */
public record DecoderLimits(
        int maxAttachments, int maxNestingDepth, int maxStringLength, int maxNamespaceLength, long maxAckId) {

    /** Deepest {@link #maxNestingDepth()} allowed. */
    public static final int MAX_NESTING_DEPTH = 1000;

    /**
     * 10 attachments, depth 32, strings of up to 1,000,000 characters (Engine.IO's default maxPayload is 1 MB
     * anyway), namespaces of up to 256 characters, ack ids up to 2<sup>53</sup>-1.
     */
    public static final DecoderLimits DEFAULTS = new DecoderLimits(10, 32, 1_000_000, 256, Packet.MAX_ACK_ID);

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
    }

    public DecoderLimits withMaxAttachments(int value) {
        return new DecoderLimits(value, maxNestingDepth, maxStringLength, maxNamespaceLength, maxAckId);
    }

    public DecoderLimits withMaxNestingDepth(int value) {
        return new DecoderLimits(maxAttachments, value, maxStringLength, maxNamespaceLength, maxAckId);
    }

    public DecoderLimits withMaxStringLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, value, maxNamespaceLength, maxAckId);
    }

    public DecoderLimits withMaxNamespaceLength(int value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, value, maxAckId);
    }

    public DecoderLimits withMaxAckId(long value) {
        return new DecoderLimits(maxAttachments, maxNestingDepth, maxStringLength, maxNamespaceLength, value);
    }
}
