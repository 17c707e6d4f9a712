package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * What a websocket's whole messages mean to the engine, whichever decoder read the frames: {@link WebSocketCodec}
 * calls it directly (one handler per connection), and with per-message deflate it sits behind Netty's decoders as
 * an ordinary handler of their frames.
 */
abstract class WebSocketMessageHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    /** A whole message: text (valid UTF-8) or binary. The caller releases {@code content}. */
    abstract void message(ChannelHandlerContext ctx, boolean binary, ByteBuf content);

    /** The connection is gone. */
    abstract void closed();

    /** The peer broke the protocol or reading failed; the connection is being closed. */
    abstract void failed(String reason);

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            message(ctx, frame instanceof BinaryWebSocketFrame, frame.content());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (!(frame instanceof PongWebSocketFrame)) {
            // a close frame, or a continuation the aggregator let through
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // an oversized or corrupt frame: Netty has already answered with a close code
        failed(cause.getMessage());
        ctx.close();
    }
}
