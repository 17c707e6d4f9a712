package io.switchboard.server.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.engine.HttpReplies;

/**
 * GET /healthz (alive: always 200) and GET /readyz (200 when {@link Health#readiness} is ready, else 503 with the
 * reasons), both JSON; passes every other request on.
 */
public final class HealthHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Health health;

    public HealthHttpHandler(Health health) {
        super(false);
        this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (!path.equals("/healthz") && !path.equals("/readyz")) {
            ctx.fireChannelRead(req);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
        req.release();
        ObjectNode body = JSON.createObjectNode();
        HttpResponseStatus status;
        if (!get) {
            status = HttpResponseStatus.METHOD_NOT_ALLOWED;
            body.put("status", "error").put("reason", "use GET");
        } else if (path.equals("/healthz")) {
            status = HttpResponseStatus.OK;
            body.put("status", "ok");
        } else {
            Health.Readiness readiness = health.readiness();
            status = readiness.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
            body.put("status", readiness.ready() ? "ready" : "not ready");
            body.put("draining", health.draining());
            readiness.reasons().forEach(body.putArray("reasons")::add);
        }
        var response = HttpReplies.response(status, "application/json", body.toString());
        response.headers().set("Cache-Control", "no-store");
        HttpReplies.write(ctx, response, keepAlive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
