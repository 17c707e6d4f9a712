package io.switchboard.server.metrics;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.engine.HttpReplies;

/** GET /metrics: the Prometheus text exposition of {@link SwitchboardMetrics}; passes every other request on. */
public final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PATH = "/metrics";
    private final SwitchboardMetrics metrics;

    public MetricsHttpHandler(SwitchboardMetrics metrics) {
        super(false);
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!new QueryStringDecoder(req.uri()).path().equals(PATH)) {
            ctx.fireChannelRead(req);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
        req.release();
        if (!get) {
            HttpReplies.write(ctx, HttpReplies.response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "use GET\n"), keepAlive);
            return;
        }
        String body = metrics.scrape();
        HttpReplies.write(ctx, HttpReplies.response(HttpResponseStatus.OK, metrics.contentType(), body), keepAlive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
