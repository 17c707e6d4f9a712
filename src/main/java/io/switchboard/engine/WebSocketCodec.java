package io.switchboard.engine;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * A server's websocket without extensions (RFC 6455) in one handler: reads the client's masked frames, joins
 * fragments into whole messages of at most {@code maxMessage} bytes, answers pings and closes itself, and hands each
 * message to the engine's {@link WebSocketMessageHandler} directly. Netty's decoder, encoder and aggregator would be
 * three handlers and three pipeline entries on every idle connection; the engine writes prebuilt frames anyway, so
 * the outbound side only has the few frames it does not prebuild (close, pong, Engine.IO 3's base64 text) to encode.
 *
 * <p>A protocol violation is answered as the RFC says: a close frame with its code (1002 protocol error, 1007 bad
 * UTF-8, 1009 too big), then the connection closes and the session ends with a transport error. Nothing is buffered
 * beyond one frame of an allowed size: a frame's declared length is checked before its payload is waited for.
 */
final class WebSocketCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    static final int MESSAGE_TOO_BIG = 1009;

    private final WebSocketMessageHandler messages;
    private final int maxMessage;
    /** The frames so far of a fragmented message, until its final one; null between messages. */
    private CompositeByteBuf fragments;
    private boolean fragmentsBinary;
    /** A close frame went out (or came in): what the peer still sends is dropped. */
    private boolean closing;
    /** Until the upgrade's answer is out and the session open: what arrives is kept, not read. */
    private boolean paused = true;
    /**
     * The connection went while a frame was being handled (a session closing it from inside the read): the input
     * buffer has been released under the read, which must not touch it again.
     */
    private boolean inactive;

    WebSocketCodec(WebSocketMessageHandler messages, int maxMessage) {
        this.messages = messages;
        this.maxMessage = maxMessage;
    }

    /**
     * Starts reading: the upgrade has been answered and the session is open. Frames a client sent without waiting
     * for the answer (the HTTP codec hands them on as it leaves) are read now, not dropped by a session not yet open.
     */
    void start(ChannelHandlerContext ctx) {
        paused = false;
        ByteBuf kept = internalBuffer();
        if (kept.isReadable()) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                exceptionCaught(ctx, e);
            }
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (paused || inactive) {
            return;
        }
        // a frame handled may close the connection (a session ending): nothing after it is read
        while (!closing && !inactive && ctx.channel().isActive() && in.readableBytes() >= 2) {
            if (!readFrame(ctx, in)) {
                break;
            }
        }
        if (closing && !inactive) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** Reads one frame if it is all there; false when more bytes are needed. */
    private boolean readFrame(ChannelHandlerContext ctx, ByteBuf in) {
        int start = in.readerIndex();
        int b0 = in.getUnsignedByte(start);
        int b1 = in.getUnsignedByte(start + 1);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        int shortLength = b1 & 0x7F;
        String violation = headerViolation(b0, b1, fin, opcode, shortLength);
        if (violation != null) {
            fail(ctx, PROTOCOL_ERROR, violation);
            return false;
        }
        int lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
        int headerLength = 2 + lengthBytes + 4;
        if (in.readableBytes() < headerLength) {
            return false;
        }
        long length = shortLength == 126 ? in.getUnsignedShort(start + 2)
                : shortLength == 127 ? in.getLong(start + 2) : shortLength;
        if (shortLength == 126 && length < 126 || shortLength == 127 && length <= 0xFFFF && length >= 0) {
            fail(ctx, PROTOCOL_ERROR, "frame length not in its shortest form");
            return false;
        }
        long message = length + (fragments == null || opcode != WebSocketFrames.CONTINUATION ? 0
                : fragments.readableBytes());
        if (length < 0 || message > maxMessage) {
            fail(ctx, MESSAGE_TOO_BIG, "max message size " + maxMessage + " exceeded");
            return false;
        }
        if (in.readableBytes() < headerLength + length) {
            return false;
        }
        int mask = in.getInt(start + 2 + lengthBytes);
        in.readerIndex(start + headerLength);
        ByteBuf payload = in.isReadOnly() ? in.readBytes((int) length) : in.readRetainedSlice((int) length);
        unmask(payload, mask);
        onFrame(ctx, fin, opcode, payload);
        return true;
    }

    /** What is wrong with a frame's first two bytes, or null. */
    private String headerViolation(int b0, int b1, boolean fin, int opcode, int shortLength) {
        if ((b0 & 0x70) != 0) {
            return "reserved bits set with no extension agreed";
        }
        if ((b1 & 0x80) == 0) {
            return "a client frame must be masked";
        }
        if (opcode >= WebSocketFrames.CLOSE) {
            if (opcode > WebSocketFrames.PONG) {
                return "reserved control opcode " + opcode;
            }
            return !fin || shortLength > 125 ? "a control frame must be whole and at most 125 bytes" : null;
        }
        if (opcode > WebSocketFrames.BINARY) {
            return "reserved data opcode " + opcode;
        }
        if (opcode == WebSocketFrames.CONTINUATION && fragments == null) {
            return "a continuation frame with no message to continue";
        }
        if (opcode != WebSocketFrames.CONTINUATION && fragments != null) {
            return "a new message before the fragmented one ended";
        }
        return null;
    }

    /** XORs the payload with the client's mask, four bytes at a time where it can. */
    private static void unmask(ByteBuf payload, int mask) {
        int at = payload.readerIndex();
        int end = payload.writerIndex();
        for (; at + 4 <= end; at += 4) {
            payload.setInt(at, payload.getInt(at) ^ mask);
        }
        for (int i = 0; at < end; at++, i++) {
            payload.setByte(at, payload.getByte(at) ^ (mask >>> (24 - 8 * i)));
        }
    }

    private void onFrame(ChannelHandlerContext ctx, boolean fin, int opcode, ByteBuf payload) {
        switch (opcode) {
            case WebSocketFrames.PING -> ctx.writeAndFlush(encode(WebSocketFrames.PONG, true, payload));
            case WebSocketFrames.PONG -> payload.release();
            case WebSocketFrames.CLOSE -> onClose(ctx, payload);
            default -> {
                if (fin && fragments == null) {
                    deliver(ctx, opcode == WebSocketFrames.BINARY, payload);
                    return;
                }
                if (fragments == null) {
                    fragments = ctx.alloc().compositeBuffer();
                    fragmentsBinary = opcode == WebSocketFrames.BINARY;
                }
                fragments.addComponent(true, payload);
                if (fin) {
                    ByteBuf whole = fragments;
                    fragments = null;
                    deliver(ctx, fragmentsBinary, whole);
                }
            }
        }
    }

    /** The peer's close: answered with its status code, then the connection closes (RFC 6455 section 5.5.1). */
    private void onClose(ChannelHandlerContext ctx, ByteBuf payload) {
        try {
            if (payload.readableBytes() == 1) {
                fail(ctx, PROTOCOL_ERROR, "a close frame's status code must be two bytes");
                return;
            }
            closing = true;
            releaseFragments();
            ByteBuf code = payload.readableBytes() >= 2 ? payload.retainedSlice(payload.readerIndex(), 2)
                    : Unpooled.EMPTY_BUFFER;
            ctx.writeAndFlush(encode(WebSocketFrames.CLOSE, true, code)).addListener(ChannelFutureListener.CLOSE);
        } finally {
            payload.release();
        }
    }

    private void deliver(ChannelHandlerContext ctx, boolean binary, ByteBuf content) {
        try {
            if (!binary && !ByteBufUtil.isText(content, StandardCharsets.UTF_8)) {
                fail(ctx, INVALID_PAYLOAD, "a text message that is not UTF-8");
                return;
            }
            messages.message(ctx, binary, content);
        } finally {
            content.release();
        }
    }

    /** Answers a violation with its close code and closes; the session ends with a transport error. */
    private void fail(ChannelHandlerContext ctx, int code, String reason) {
        closing = true;
        releaseFragments();
        ByteBuf status = ctx.alloc().buffer(2).writeShort(code);
        ctx.writeAndFlush(encode(WebSocketFrames.CLOSE, true, status)).addListener(ChannelFutureListener.CLOSE);
        messages.failed(reason);
    }

    /**
     * A frame the engine did not prebuild: its header in front of the payload, which is not copied (a relayed
     * session's frames all come this way); the payload is released with the frame.
     */
    private static ByteBuf encode(int opcode, boolean fin, ByteBuf payload) {
        byte[] header = WebSocketFrames.header(opcode, fin, payload.readableBytes());
        return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(header), payload);
    }

    private static int opcode(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            return WebSocketFrames.TEXT;
        } else if (frame instanceof BinaryWebSocketFrame) {
            return WebSocketFrames.BINARY;
        } else if (frame instanceof CloseWebSocketFrame) {
            return WebSocketFrames.CLOSE;
        } else if (frame instanceof PingWebSocketFrame) {
            return WebSocketFrames.PING;
        } else if (frame instanceof PongWebSocketFrame) {
            return WebSocketFrames.PONG;
        } else if (frame instanceof ContinuationWebSocketFrame) {
            return WebSocketFrames.CONTINUATION;
        }
        throw new IllegalArgumentException("unknown frame " + frame.getClass().getName());
    }

    private void releaseFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        inactive = true;
        super.channelInactive(ctx);
        releaseFragments();
        messages.closed();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseFragments();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        messages.failed(cause.getMessage());
        ctx.close();
        if (!(cause instanceof IOException)) {
            // not the network: a fault in reading, for whatever an application or a test put after this handler
            ctx.fireExceptionCaught(cause);
        }
    }

    // ------------------------------------------------------------------ outbound

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof WebSocketFrame frame) {
            ctx.write(encode(opcode(frame), frame.isFinalFragment(), frame.content()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }
}
