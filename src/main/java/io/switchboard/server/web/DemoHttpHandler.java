package io.switchboard.server.web;

import java.nio.charset.StandardCharsets;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/** Serves the demo chat page ({@code io/switchboard/server/web/index.html}) at {@code /}; passes every other request on. */
@ChannelHandler.Sharable
public final class DemoHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final StaticFile page;

    /** @param enginePath the Engine.IO path, written into the page for its script and its connection */
    public DemoHttpHandler(String enginePath) {
        super(false);
        StaticFile template = StaticFile.resource("io/switchboard/server/web/index.html", "text/html", "no-cache");
        if (template == null) {
            throw new IllegalStateException("io/switchboard/server/web/index.html is missing from the classpath");
        }
        String html = new String(template.bytes(), StandardCharsets.UTF_8)
                .replace("/__ENGINE_PATH__/", enginePath.endsWith("/") ? enginePath : enginePath + "/");
        this.page = StaticFile.text(html, "text/html; charset=utf-8", "no-cache");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (!path.equals("/") && !path.equals("/index.html")) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            page.write(ctx, req);
        } finally {
            req.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
