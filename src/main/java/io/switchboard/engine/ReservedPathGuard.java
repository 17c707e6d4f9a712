package io.switchboard.engine;

import java.util.Set;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * On a connection let in beyond {@code maxConnections} (the reserved headroom): one request to one of the reserved
 * paths (health, metrics) is served and the connection closed after it; anything else gets 503 and a closed
 * connection, counted as {@link ConnectionRefusal#CONNECTION_LIMIT}.
 */
final class ReservedPathGuard extends ChannelInboundHandlerAdapter {
    static final String NAME = "reserved-paths";

    private final Set<String> paths;
    private final EngineObserver observer;
    /** Set once the one request was read (or refused): whatever follows before the close is dropped. */
    private boolean done;

    ReservedPathGuard(Set<String> paths, EngineObserver observer) {
        this.paths = paths;
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (!paths.contains(path(request.uri()))) {
                done = true;
                ReferenceCountUtil.release(msg);
                observer.connectionRefused(ConnectionRefusal.CONNECTION_LIMIT);
                FullHttpResponse response = HttpReplies.response(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "application/json", "{\"message\":\"Too many connections\"}");
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response, ctx.voidPromise());
                ctx.close();
                return;
            }
            HttpUtil.setKeepAlive(request, false);   // the handler answering it closes the connection after
        }
        if (msg instanceof LastHttpContent) {
            done = true;
        }
        ctx.fireChannelRead(msg);
    }

    private static String path(String uri) {
        int end = uri.indexOf('?');
        return end < 0 ? uri : uri.substring(0, end);
    }
}
