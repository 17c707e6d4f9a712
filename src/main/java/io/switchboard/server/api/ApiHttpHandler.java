package io.switchboard.server.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.engine.HttpReplies;

/** Hands requests under /api to the {@link ApiRouter} and writes its answers; passes every other request on. */
public final class ApiHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ApiRouter router;

    public ApiHttpHandler(ApiRouter router) {
        super(false);
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        if (!ApiRouter.handles(uri.path())) {
            ctx.fireChannelRead(req);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ApiRequest request;
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            req.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            Map<String, List<String>> query = new LinkedHashMap<>(uri.parameters());
            request = new ApiRequest(req.method().name(), uri.path(), query, headers,
                    req.content().toString(StandardCharsets.UTF_8));
        } finally {
            req.release();
        }
        router.handle(request).whenComplete((response, error) -> ctx.executor().execute(() -> {
            ApiResponse answer = response != null ? response
                    : ApiResponse.error(500, "internal_error", "the request failed; see the server log");
            FullHttpResponse http = HttpReplies.response(HttpResponseStatus.valueOf(answer.status()),
                    "application/json", answer.body());
            answer.headers().forEach((name, value) -> http.headers().set(name, value));
            HttpReplies.write(ctx, http, keepAlive);
        }));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
