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
 *
 * <p>In msgpack mode ({@code socket.io-msgpack-parser}), every Socket.IO packet is one MessagePack map
 * {@code {type, data, nsp, id}} in one binary frame, both ways; Engine.IO's own packets (OPEN, PING, PONG) stay text.
 * The listener then gets the position of the packet's {@code data} value (the argument array) instead of the text.
 */
final class WsClient extends ByteToMessageDecoder {

    /** What the scenario does with a connection's traffic; called on the connection's event loop. */
    interface Listener {
        void onReady(WsClient client);

        /** A Socket.IO EVENT: the frame text is {@code 42...}, at {@code offset} for {@code length} bytes. */
        void onEvent(WsClient client, ByteBuf buf, int offset, int length);

        /** A Socket.IO ACK with its id; the text {@code 43<id>[...]} at {@code offset} for {@code length} bytes. */
        void onAck(WsClient client, long id, ByteBuf buf, int offset, int length);

        /**
         * msgpack mode: an EVENT whose {@code data} (the msgpack array of name and arguments) starts at {@code data}
         * in {@code b}, a copy of the frame valid during the call only.
         */
        void onMsgpackEvent(WsClient client, byte[] b, int data);

        /** msgpack mode: an ACK with its id, its {@code data} (the arguments' array) at {@code data}, -1 if none. */
        void onMsgpackAck(WsClient client, long id, byte[] b, int data);

        /** The connection failed or closed; {@code wasReady} tells whether it ever became ready. */
        void onClosed(WsClient client, boolean wasReady, String why);
    }

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] CONNECT = "40".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "3".getBytes(StandardCharsets.US_ASCII);
    /** msgpack CONNECT to the main namespace, no auth: {@code {type: 0, nsp: "/"}}. */
    private static final byte[] MSGPACK_CONNECT = {(byte) 0x82, (byte) 0xa4, 't', 'y', 'p', 'e', 0,
        (byte) 0xa3, 'n', 's', 'p', (byte) 0xa1, '/'};
    /** Room for the largest client frame header (10 bytes of length form, 4 of mask) before a frame's payload. */
    static final int MAX_HEADER = 14;

    final int index;
    private final Listener listener;
    private final ByteBuf upgradeRequest;
    private final boolean msgpack;
    private Channel channel;
    private boolean upgraded;
    private boolean ready;
    private boolean closedReported;
    private String closeReason;
    /** Free for the scenario: next ack id, send time of the request in flight. */
    long nextAckId;
    long sentAt;

    WsClient(int index, Listener listener, ByteBuf upgradeRequest, boolean msgpack) {
        this.index = index;
        this.listener = listener;
        this.upgradeRequest = upgradeRequest;
        this.msgpack = msgpack;
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
                case 2 -> {
                    if (msgpack) {
                        onMsgpack(ctx, in, offset, length);
                    } // the default parser's scenarios send no binary
                }
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
            case '0' -> { // Engine.IO OPEN: connect to the main namespace
                if (msgpack) {
                    sendFrame(0x82, MSGPACK_CONNECT);
                } else {
                    sendText(CONNECT);
                }
            }
            case '2' -> sendText(PONG);
            case '4' -> {
                if (msgpack) {
                    // a text Socket.IO packet means the server speaks the default parser: do not measure that
                    fail(ctx, "text Socket.IO packet in msgpack mode: " + in.toString(offset, Math.min(60, length),
                            StandardCharsets.UTF_8));
                    return;
                }
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

    /** One socket.io-msgpack-parser packet: the top-level map, walked for type, id and where data lies. */
    private void onMsgpack(ChannelHandlerContext ctx, ByteBuf in, int offset, int length) {
        int type = -1;
        long id = -1;
        int dataAt = -1;
        byte[] b = Msgpack.scratch(length);
        in.getBytes(offset, b, 0, length);
        try {
            if (length == 0 || !Msgpack.isMap(b, 0)) {
                fail(ctx, "msgpack packet is not a map");
                return;
            }
            long h = Msgpack.header(b, 0);
            int p = (int) (h & 0xff);
            for (long i = 0; i < (h >>> 8); i++) {
                int key = p;
                p = Msgpack.skip(b, p);
                if (Msgpack.strEquals(b, key, Msgpack.TYPE)) {
                    type = (int) Msgpack.readLong(b, p);
                } else if (Msgpack.strEquals(b, key, Msgpack.ID)) {
                    id = Msgpack.readLong(b, p);
                } else if (Msgpack.strEquals(b, key, Msgpack.DATA)) {
                    dataAt = p;
                }
                p = Msgpack.skip(b, p);
                if (p > length) {
                    throw new IndexOutOfBoundsException("msgpack packet runs past its frame");
                }
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            fail(ctx, "bad msgpack packet: " + e.getMessage());
            return;
        }
        switch (type) {
            case 2 -> {
                if (dataAt >= 0) {
                    listener.onMsgpackEvent(this, b, dataAt);
                }
            }
            case 3 -> listener.onMsgpackAck(this, id, b, dataAt);
            case 0 -> {
                if (!ready) {
                    ready = true;
                    listener.onReady(this);
                }
            }
            case 4 -> fail(ctx, "connect error (msgpack, " + length + " bytes)");
            case 1 -> {
                closeReason = "disconnected by server";
                ctx.close();
            }
            default -> fail(ctx, "msgpack packet of type " + type);
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

    private void sendFrame(int b0, byte[] payload) {
        ByteBuf out = channel.alloc().ioBuffer(payload.length + MAX_HEADER);
        writeHeader(out, b0, payload.length);
        out.writeBytes(payload);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /**
     * A buffer for one binary frame: write the payload from its writer index on, then {@link #sendBinary}. The
     * header goes into the room left in front, once the length is known, so the payload is never copied.
     */
    ByteBuf newBinaryFrame(int payloadHint) {
        ByteBuf out = channel.alloc().ioBuffer(payloadHint + MAX_HEADER);
        out.writerIndex(MAX_HEADER);
        return out;
    }

    /** Sends a buffer from {@link #newBinaryFrame} as one binary frame; on the channel's event loop. Flushes. */
    void sendBinary(ByteBuf out) {
        int length = out.writerIndex() - MAX_HEADER;
        int header = length < 126 ? 6 : length < 65536 ? 8 : 14;
        int start = MAX_HEADER - header;
        out.writerIndex(start);
        writeHeader(out, 0x82, length);
        out.writerIndex(MAX_HEADER + length);
        out.readerIndex(start);
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
