package io.switchboard.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Base64;

/**
 * A packet on its way to clients, encoded at most once per transport form however many sessions it goes to:
 * a broadcast to ten thousand sockets builds one of these and hands the same instance to every session.
 * Immutable apart from the lazily filled encodings, whose races are benign (every thread computes equal bytes).
 */
public final class OutboundPacket {
    private final PacketType type;
    private final String text;
    private final byte[] binary;
    private byte[] frameBytes;
    private byte[] webSocketFrame;
    private volatile ByteBuf sharedFrame;
    private String pollingForm;
    /** The Engine.IO 3 websocket frame of a binary packet (type byte first), for protocol 3 sessions only. */
    private byte[] eio3BinaryFrame;

    private OutboundPacket(PacketType type, String text, byte[] binary) {
        this.type = type;
        this.text = text;
        this.binary = binary;
    }

    public static OutboundPacket message(String text) {
        return new OutboundPacket(PacketType.MESSAGE, text, null);
    }

    public static OutboundPacket binary(byte[] data) {
        return new OutboundPacket(PacketType.MESSAGE, null, data);
    }

    public static OutboundPacket of(PacketType type, String text) {
        return new OutboundPacket(type, text == null ? "" : text, null);
    }

    static final OutboundPacket PING = of(PacketType.PING, "");
    static final OutboundPacket NOOP = of(PacketType.NOOP, "");
    static final OutboundPacket CLOSE = of(PacketType.CLOSE, "");
    /** The answer to an Engine.IO 3 client's ping. */
    static final OutboundPacket PONG = of(PacketType.PONG, "");
    static final OutboundPacket PROBE_PONG = of(PacketType.PONG, "probe");

    public PacketType type() {
        return type;
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The websocket frame content: UTF-8 of type digit and text, or the raw bytes of a binary packet. */
    public byte[] frameBytes() {
        byte[] bytes = frameBytes;
        if (bytes == null) {
            bytes = binary != null ? binary : (type.code() + text).getBytes(StandardCharsets.UTF_8);
            frameBytes = bytes;
        }
        return bytes;
    }

    /**
     * The whole websocket frame, header included (server frames are not masked), built once and written as it is to
     * every recipient, so no per-recipient framing happens on the broadcast path.
     */
    public byte[] webSocketFrame() {
        byte[] frame = webSocketFrame;
        if (frame == null) {
            byte[] bytes = frameBytes;
            // a packet only websocket sessions get skips the intermediate type-and-text string and its bytes
            frame = bytes != null || binary != null ? WebSocketFrames.frame(binary != null, frameBytes())
                    : WebSocketFrames.textFrame(type.code(), text.getBytes(StandardCharsets.UTF_8));
            webSocketFrame = frame;
        }
        return frame;
    }

    /**
     * Prepares the websocket frame once in direct memory, for a packet that goes to many recipients: each one is
     * then written a view of the same bytes, with no copy into the socket's direct buffers. The memory belongs to
     * the garbage collector (an unreleasable buffer over a direct NIO buffer), so no recipient has to release it.
     */
    public void shareWithManyRecipients() {
        if (sharedFrame == null) {
            byte[] frame = webSocketFrame();
            ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
            sharedFrame = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct));
        }
    }

    /** The websocket frame to write to one recipient: a view of the shared direct copy when there is one. */
    ByteBuf webSocketFrameBuffer() {
        ByteBuf shared = sharedFrame;
        return shared != null ? shared.duplicate() : Unpooled.wrappedBuffer(webSocketFrame());
    }

    /** The form inside a polling payload: type digit and text, or "b" and base64 for binary. */
    public String pollingForm() {
        String form = pollingForm;
        if (form == null) {
            form = binary != null ? "b" + Base64.getEncoder().encodeToString(binary) : type.code() + text;
            pollingForm = form;
        }
        return form;
    }

    /** Engine.IO 3 text form: as {@link #pollingForm()}, but a binary packet is "b4" and base64. */
    String eio3TextForm() {
        return binary != null ? "b" + PacketType.MESSAGE.code() + Base64.getEncoder().encodeToString(binary)
                : pollingForm();
    }

    /**
     * The Engine.IO 3 websocket frame: a text packet's is the v4 one (shared); a binary packet's content starts with
     * the message type byte. Built once, as the v4 frame is, however many protocol 3 sessions it goes to.
     */
    ByteBuf eio3WebSocketFrameBuffer() {
        if (binary == null) {
            return webSocketFrameBuffer();
        }
        byte[] frame = eio3BinaryFrame;
        if (frame == null) {
            frame = WebSocketFrames.frame(true, Eio3Codec.binaryFrameContent(binary));
            eio3BinaryFrame = frame;
        }
        return Unpooled.wrappedBuffer(frame);
    }

    @Override
    public String toString() {
        return pollingForm();
    }
}
