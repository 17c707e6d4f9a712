package io.switchboard.engine;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The websocket transport: one frame per packet, text or binary. Without compression the frame is the
 * {@link OutboundPacket}'s prebuilt bytes, wrapped without copying and shared by every recipient. Writes are flushed
 * by the loop's {@link FlushBatch} at the end of the turn.
 */
class WebSocketTransport implements Transport {
    /**
     * How long the close frame may take to reach the peer before the connection is closed anyway: a peer that stops
     * reading would otherwise hold the channel, and everything queued on it, forever.
     */
    static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Channel channel;
    /** With per-message deflate the frames go through Netty's compressing encoder; otherwise prebuilt bytes do. */
    private final boolean deflate;
    /** The flushes of the channel's event loop. */
    private final FlushBatch flushes;
    private boolean closed;
    private boolean flushQueued;
    /**
     * The websocket codec's context, found at the first write after the upgrade: a prebuilt frame is written from
     * there, straight to what lies below it (the socket, or TLS), and skips the codec, which would only pass it on.
     */
    private ChannelHandlerContext belowHandlers;

    WebSocketTransport(Channel channel, boolean deflate, FlushBatch flushes) {
        this.channel = channel;
        this.deflate = deflate;
        this.flushes = flushes;
    }

    @Override
    public EngineOptions.Transport kind() {
        return EngineOptions.Transport.WEBSOCKET;
    }

    @Override
    public boolean writable() {
        return !closed && channel.isActive();
    }

    @Override
    public long pendingBytes() {
        var buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public boolean canTakeMore() {
        return channel.isWritable();
    }

    @Override
    public void send(List<OutboundPacket> packets) {
        if (closed) {
            return;
        }
        ChannelHandlerContext below = deflate ? null : belowHandlers();
        for (OutboundPacket packet : packets) {
            Object frame = frame(packet);
            if (below != null && frame instanceof ByteBuf) {
                below.write(frame, channel.voidPromise());
            } else {
                channel.write(frame, channel.voidPromise());
            }
        }
        if (!channel.eventLoop().inEventLoop()) {
            // a session upgraded onto a connection of another loop: that loop's batch is not this thread's to touch
            channel.flush();
        } else if (!flushQueued) {
            flushQueued = true;
            flushes.add(this);
        }
    }

    @Override
    public void flush() {
        channel.flush();
    }

    /** The loop's batch has come round to this transport. */
    void flushNow() {
        flushQueued = false;
        ChannelHandlerContext below = belowHandlers;
        if (below != null && !below.isRemoved()) {
            below.flush();
        } else {
            channel.flush();
        }
    }

    /** The codec's context once the upgrade put it in place and while it is there, else null. */
    private ChannelHandlerContext belowHandlers() {
        ChannelHandlerContext below = belowHandlers;
        if (below == null || below.isRemoved()) {
            below = channel.pipeline().context(WebSocketCodec.class);
            belowHandlers = below;
        }
        return below;
    }

    @Override
    public void close(List<OutboundPacket> lastPackets) {
        if (closed) {
            return;
        }
        for (OutboundPacket packet : lastPackets) {
            channel.write(frame(packet), channel.voidPromise());
        }
        closed = true;
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
            Runnable closeAnyway = channel::close;
            var backstop = channel.eventLoop().schedule(closeAnyway, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(done -> backstop.cancel(false));
        } else {
            channel.close();
        }
    }

    /** Closes the connection at once; what is still queued for the peer is dropped and its buffers released. */
    @Override
    public void abort() {
        closed = true;
        channel.close();
    }

    @Override
    public void discard() {
        close(List.of());
    }

    boolean deflate() {
        return deflate;
    }

    /** The frame that carries one packet; the protocol's framing (v4 here). */
    Object frame(OutboundPacket packet) {
        if (!deflate) {
            return packet.webSocketFrameBuffer();
        }
        return packet.isBinary()
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(packet.frameBytes()))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(packet.frameBytes()));
    }
}
