package io.switchboard.engine;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/** The end of the HTTP pipeline: whatever no route took. */
@ChannelHandler.Sharable
final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final NotFoundHandler INSTANCE = new NotFoundHandler();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpReplies.write(ctx, HttpReplies.response(HttpResponseStatus.NOT_FOUND, "application/json",
                "{\"message\":\"Not found\"}"), HttpUtil.isKeepAlive(req));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
