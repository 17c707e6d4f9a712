package io.switchboard.server.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Serves the official socket.io-client bundle (copied from the npm package into the classpath's
 * {@code io/switchboard/server/web/client/} at build time, beside the server's classes rather than at the root of
 * the library jar) at {@code <path>socket.io.js}, {@code socket.io.min.js} and their {@code .map} files, as the
 * reference server's serveClient does; passes every other request on.
 */
@ChannelHandler.Sharable
public final class ClientBundleHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String[] FILES = {"socket.io.js", "socket.io.min.js", "socket.io.js.map", "socket.io.min.js.map"};
    private static final String CACHE_CONTROL = "public, max-age=0";

    private final Map<String, StaticFile> files = new LinkedHashMap<>();

    /** @param enginePath the Engine.IO path, such as "/socket.io/" */
    public ClientBundleHttpHandler(String enginePath) {
        super(false);
        String base = enginePath.endsWith("/") ? enginePath : enginePath + "/";
        for (String name : FILES) {
            StaticFile file = StaticFile.resource("io/switchboard/server/web/client/" + name,
                    name.endsWith(".map") ? "application/json; charset=utf-8"
                            : "application/javascript; charset=utf-8", CACHE_CONTROL);
            if (file != null) {
                files.put(base + name, file);
            }
        }
    }

    /** Whether the bundle was built into the classpath. */
    public boolean available() {
        return !files.isEmpty();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        StaticFile file = files.get(new QueryStringDecoder(req.uri()).path());
        if (file == null) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            file.write(ctx, req);
        } finally {
            req.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
