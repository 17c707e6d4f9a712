package io.switchboard.protocol;

import java.util.List;
import java.util.Objects;

/**
 * What goes on the wire for one packet: a text frame, then each attachment as its own binary frame, in order.
 *
 * <p>The attachment arrays are the ones held by the packet's {@code BinaryNode}s, not copies.
 *
 * @param text        the encoded text part, e.g. {@code 2/chat,12["ev",{"a":1}]}
 * @param attachments the binary attachments, empty for a non-binary packet
 */
public record EncodedPacket(String text, List<byte[]> attachments) {

    public EncodedPacket {
        Objects.requireNonNull(text, "text");
        attachments = List.copyOf(attachments);
    }

    /** True when binary frames must follow the text frame. */
    public boolean hasAttachments() {
        return !attachments.isEmpty();
    }
}
