package io.switchboard.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the frames of one connection. A binary packet spans several frames (its text part, then one binary
 * frame per attachment), so the decoder is stateful: one per Engine.IO session, used from one thread at a time.
 *
 * <p>The returned packets keep the type seen on the wire (BINARY_EVENT, BINARY_ACK) and the attachment count,
 * with every placeholder replaced by a {@code BinaryNode} wrapping the received array (not copied).
 *
 * <p>After a {@link PacketDecodingException} the decoder holds nothing pending; the connection should be closed
 * anyway.
 */
public final class PacketDecoder implements FrameDecoder {

    private final PacketReader reader;
    private Packet pending; // the text part of a binary packet, while its attachments arrive
    /** The attachments received so far; made for the first binary packet (most connections never send one). */
    private List<byte[]> received;

    /** A decoder with a private {@link PacketReader} using {@link DecoderLimits#DEFAULTS}. */
    public PacketDecoder() {
        this(new PacketReader());
    }

    /** A decoder using a (shared) reader. */
    public PacketDecoder(PacketReader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Takes a text frame.
     *
     * @return the packet, or {@code null} if it is a binary packet whose attachments are still to come
     */
    @Override
    public Packet add(String text) throws PacketDecodingException {
        Objects.requireNonNull(text, "text");
        if (pending != null) {
            reset();
            throw new PacketDecodingException("got plaintext data when reconstructing a packet");
        }
        Packet packet = reader.read(text);
        if (!packet.type().isBinary()) {
            return packet;
        }
        pending = packet; // the reader guarantees at least one attachment
        return null;
    }

    /**
     * Takes a binary frame, the next attachment of the pending binary packet. The array is kept, not copied.
     *
     * @return the completed packet once its last attachment arrived, else {@code null}
     */
    @Override
    public Packet add(byte[] attachment) throws PacketDecodingException {
        Objects.requireNonNull(attachment, "attachment");
        if (pending == null) {
            throw new PacketDecodingException("got binary data when not reconstructing a packet");
        }
        if (received == null) {
            received = new ArrayList<>();
        }
        received.add(attachment);
        if (received.size() < pending.attachments()) {
            return null;
        }
        Packet header = pending;
        List<byte[]> attachments = List.copyOf(received);
        reset();
        return complete(header, attachments);
    }

    /** True while a binary packet waits for attachments. */
    public boolean isReconstructing() {
        return pending != null;
    }

    /** Drops a partially received binary packet; the decoder can be used again afterwards. */
    public void reset() {
        pending = null;
        if (received != null) {
            received.clear();
        }
    }

    /** Same as {@link #reset()}; named after the reference decoder's method, called when the connection closes. */
    @Override
    public void destroy() {
        reset();
    }

    private static Packet complete(Packet header, List<byte[]> attachments) throws PacketDecodingException {
        return new Packet(header.type(), header.namespace(), Placeholders.reconstruct(header.data(), attachments),
                header.ackId(), header.attachments());
    }
}
