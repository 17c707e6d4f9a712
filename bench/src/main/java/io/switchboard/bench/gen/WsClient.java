package io.switchboard.bench.gen;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * One benchmark client connection: a minimal WebSocket client (RFC 6455) carrying Engine.IO v4 and Socket.IO v5,
 * written by hand so that the generator costs as little as possible per connection and per message.
 *
 * <p>It sends the HTTP upgrade request, waits for {@code 101}, then reads frames in place (no frame objects, no
 * strings for the hot events). Engine.IO: on OPEN ({@code 0{...}}) it sends the Socket.IO CONNECT {@code 40}; it
 * answers PING {@code 2} with PONG {@code 3}. Socket.IO: the CONNECT reply {@code 40{"sid":..}} makes it ready;
 * events {@code 42[...]} and acks {@code 43<id>[...]} go to the {@link Listener} with the raw bytes.
 *
 * <p>Client frames are masked with the all-zero key: valid per RFC 6455 (the server cannot tell), and the payload
 * can then be copied as is.
 */
final class WsClient extends ByteToMessageDecoder {

    /** What the scenario does with a connection's traffic; called on the connection's event loop. */
    interface Listener {
        void onReady(WsClient client);

        /** A Socket.IO EVENT: the frame text is {@code 42...}, at {@code offset} for {@code length} bytes. */
        void onEvent(WsClient client, ByteBuf buf, int offset, int length);

        /** A Socket.IO ACK with its id; the text {@code 43<id>[...]} at {@code offset} for {@code length} bytes. */
        void onAck(WsClient client, long id, ByteBuf buf, int offset, int length);

        /** The connection failed or closed; {@code wasReady} tells whether it ever became ready. */
        void onClosed(WsClient client, boolean wasReady, String why);
    }

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "3".getBytes(StandardCharsets.US_ASCII);

    final int index;
    private final Listener listener;
    private final ByteBuf upgradeRequest;
    private Channel channel;
    private boolean upgraded;
    private boolean ready;
    private boolean closedReported;
    private String closeReason;
    /** Free for the scenario: next ack id, send time of the request in flight. */
    long nextAckId;
    long sentAt;

    WsClient(int index, Listener listener, ByteBuf upgradeRequest) {
        this.index = index;
        this.listener = listener;
        this.upgradeRequest = upgradeRequest;
    }

    Channel channel() {
        return channel;
    }

    boolean isReady() {
        return ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        ctx.writeAndFlush(upgradeRequest.retainedDuplicate());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        reportClosed(closeReason == null ? "closed by peer" : closeReason);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeReason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        ctx.close();
    }

    void reportClosed(String why) {
        if (!closedReported) {
            closedReported = true;
            listener.onClosed(this, ready, why);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!upgraded) {
            int end = indexOf(in, HEADER_END);
            if (end < 0) {
                if (in.readableBytes() > 16384) {
                    fail(ctx, "oversized HTTP response");
                }
                return;
            }
            String status = in.toString(in.readerIndex(), Math.min(12, end - in.readerIndex()),
                    StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 101")) {
                fail(ctx, "upgrade refused: "
                        + in.toString(in.readerIndex(), Math.min(200, end - in.readerIndex()),
                        StandardCharsets.US_ASCII).replace("\r\n", " | "));
                return;
            }
            in.readerIndex(end + HEADER_END.length);
            upgraded = true;
        }
        while (in.isReadable(2) && channel.isActive()) {
            int r = in.readerIndex();
            int b0 = in.getUnsignedByte(r);
            int b1 = in.getUnsignedByte(r + 1);
            int opcode = b0 & 0x0f;
            long len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (!in.isReadable(4)) {
                    return;
                }
                len = in.getUnsignedShort(r + 2);
                header = 4;
            } else if (len == 127) {
                if (!in.isReadable(10)) {
                    return;
                }
                len = in.getLong(r + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0) {
                fail(ctx, "masked frame from server");
                return;
            }
            if (len > 64 * 1024 * 1024) {
                fail(ctx, "frame too large: " + len);
                return;
            }
            if (in.readableBytes() < header + len) {
                return;
            }
            if ((b0 & 0x80) == 0 || opcode == 0) {
                fail(ctx, "fragmented frames are not supported by the generator");
                return;
            }
            int offset = r + header;
            int length = (int) len;
            in.readerIndex(offset + length);
            switch (opcode) {
                case 1 -> onText(ctx, in, offset, length);
                case 2 -> { } // binary: not used by the scenarios
                case 8 -> {
                    closeReason = "close frame";
                    ctx.close();
                }
                case 9 -> sendFrame(0x8A, in, offset, length);
                case 10 -> { }
                default -> fail(ctx, "unknown opcode " + opcode);
            }
        }
    }

    private void onText(ChannelHandlerContext ctx, ByteBuf in, int offset, int length) {
        if (length == 0) {
            return;
        }
        byte engineType = in.getByte(offset);
        switch (engineType) {
            case '0' -> sendText(CONNECT); // Engine.IO OPEN: connect to the main namespace
            case '2' -> sendText(PONG);
            case '4' -> {
                if (length < 2) {
                    return;
                }
                byte sioType = in.getByte(offset + 1);
                if (sioType == '2') {
                    listener.onEvent(this, in, offset, length);
                } else if (sioType == '3') {
                    long id = 0;
                    int i = offset + 2;
                    int end = offset + length;
                    for (; i < end; i++) {
                        byte c = in.getByte(i);
                        if (c < '0' || c > '9') {
                            break;
                        }
                        id = id * 10 + (c - '0');
                    }
                    listener.onAck(this, id, in, offset, length);
                } else if (sioType == '0') {
                    if (!ready) {
                        ready = true;
                        listener.onReady(this);
                    }
                } else if (sioType == '4') {
                    fail(ctx, "connect error: " + in.toString(offset, length, StandardCharsets.UTF_8));
                } else if (sioType == '1') {
                    closeReason = "disconnected by server";
                    ctx.close();
                }
            }
            case '1' -> {
                closeReason = "engine close";
                ctx.close();
            }
            default -> { } // noop, pong, ...
        }
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        closeReason = why;
        ctx.close();
    }

    /** Sends a text frame; call on the channel's event loop (or accept a task hop). Flushes. */
    void sendText(byte[] payload) {
        ByteBuf out = channel.alloc().ioBuffer(payload.length + 14);
        writeHeader(out, 0x81, payload.length);
        out.writeBytes(payload);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /** Sends an ASCII text frame built in a StringBuilder-like form without an intermediate byte[]. */
    void sendText(CharSequence payload) {
        int length = payload.length();
        ByteBuf out = channel.alloc().ioBuffer(length + 14);
        writeHeader(out, 0x81, length);
        out.writeCharSequence(payload, StandardCharsets.US_ASCII);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    private void sendFrame(int b0, ByteBuf src, int offset, int length) {
        ByteBuf out = channel.alloc().ioBuffer(length + 14);
        writeHeader(out, b0, length);
        out.writeBytes(src, offset, length);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    private static void writeHeader(ByteBuf out, int b0, int length) {
        out.writeByte(b0);
        if (length < 126) {
            out.writeByte(0x80 | length);
        } else if (length < 65536) {
            out.writeByte(0x80 | 126);
            out.writeShort(length);
        } else {
            out.writeByte(0x80 | 127);
            out.writeLong(length);
        }
        out.writeInt(0); // the masking key: all zero, so the payload goes as is
    }

    static int indexOf(ByteBuf buf, byte[] needle) {
        int end = buf.writerIndex() - needle.length;
        outer:
        for (int i = buf.readerIndex(); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The integer value following {@code key} (e.g. {@code "t":}) in the bytes, or {@code Long.MIN_VALUE} when the
     * key is absent.
     */
    static long longAfter(ByteBuf buf, int offset, int length, byte[] key) {
        int end = offset + length - key.length;
        outer:
        for (int i = offset; i <= end; i++) {
            for (int j = 0; j < key.length; j++) {
                if (buf.getByte(i + j) != key[j]) {
                    continue outer;
                }
            }
            long value = 0;
            boolean negative = false;
            int k = i + key.length;
            int stop = offset + length;
            if (k < stop && buf.getByte(k) == '-') {
                negative = true;
                k++;
            }
            for (; k < stop; k++) {
                byte c = buf.getByte(k);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
            }
            return negative ? -value : value;
        }
        return Long.MIN_VALUE;
    }
}
