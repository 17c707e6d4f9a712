package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;

/**
 * Routes Engine.IO requests under the configured path: handshakes, polling GET/POST and websocket upgrades,
 * checked in the reference server's order. Anything else goes on down the pipeline.
 */
final class EngineHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final EngineServer server;
    private final EngineOptions options;

    EngineHttpHandler(EngineServer server) {
        super(false);
        this.server = server;
        this.options = server.options();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long arrivedAt = System.nanoTime();
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        try {
            // both decode lazily and throw on bad percent-encoding, which deserves a 400, not a dropped connection
            uri.path();
            uri.parameters();
        } catch (IllegalArgumentException e) {
            try {
                refuse(ctx, HttpUtil.isKeepAlive(req), req.headers().get(HttpHeaderNames.ORIGIN),
                        EngineError.BAD_REQUEST);
            } finally {
                req.release();
            }
            return;
        }
        if (!isEnginePath(uri.path()) || isStaticFile(uri)) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            handle(ctx, req, uri, arrivedAt);
        } finally {
            req.release();
        }
    }

    private boolean isEnginePath(String path) {
        String base = options.path();
        return path.startsWith(base) || path.equals(base.substring(0, base.length() - 1));
    }

    /** A file name under the path (the client bundle, e.g. socket.io.js), left to the HTTP routes. */
    private boolean isStaticFile(QueryStringDecoder uri) {
        String rest = uri.path().substring(Math.min(uri.path().length(), options.path().length()));
        return uri.path().startsWith(options.path()) && !rest.contains("/")
                && (rest.endsWith(".js") || rest.endsWith(".map"))
                && !uri.parameters().containsKey("EIO") && !uri.parameters().containsKey("transport");
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, long arrivedAt) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        CorsOptions cors = options.cors();
        if (req.method().equals(HttpMethod.OPTIONS) && cors.enabled()) {
            FullHttpResponse response = HttpReplies.response(HttpResponseStatus.NO_CONTENT, null, "");
            CorsHeaders.applyPreflight(cors, origin,
                    req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS), response.headers());
            HttpReplies.write(ctx, response, keepAlive);
            return;
        }
        boolean upgrade = req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        EngineOptions.Transport transport = EngineOptions.Transport.of(first(uri, "transport"));
        if (transport == null || !options.transports().contains(transport)) {
            refuse(ctx, keepAlive, origin, EngineError.UNKNOWN_TRANSPORT);
            return;
        }
        String sid = first(uri, "sid");
        if (sid != null) {
            EngineSession session = server.session(sid);
            if (session == null) {
                refuse(ctx, keepAlive, origin, EngineError.UNKNOWN_SID);
            } else if (upgrade && transport == EngineOptions.Transport.WEBSOCKET) {
                if (!session.protocol().equals(first(uri, "EIO"))) {
                    // engine.io 6.6.10: an upgrade speaks the protocol the session was opened with
                    refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                    return;
                }
                acceptWebSocket(ctx, req, session, null);
            } else if (upgrade || transport != EngineOptions.Transport.POLLING) {
                refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            } else {
                onPollingRequest(ctx, req, keepAlive, origin, session, arrivedAt);
            }
            return;
        }
        if (!req.method().equals(HttpMethod.GET)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_HANDSHAKE_METHOD);
            return;
        }
        if (upgrade != (transport == EngineOptions.Transport.WEBSOCKET)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        HandshakeRequest handshake = handshakeRequest(ctx, req);
        AllowRequest allowRequest = options.allowRequest();
        if (allowRequest == null) {
            handshake(ctx, req, keepAlive, origin, transport, handshake);
            return;
        }
        req.retain();
        CompletionStage<String> verdict;
        try {
            verdict = allowRequest.check(handshake);
        } catch (RuntimeException e) {
            verdict = java.util.concurrent.CompletableFuture.completedFuture(EngineError.FORBIDDEN.message);
        }
        verdict.whenComplete((refusal, error) -> ctx.executor().execute(() -> {
            try {
                if (error != null || refusal != null) {
                    options.observer().refused(EngineError.FORBIDDEN, handshake);
                    String message = refusal != null ? refusal : EngineError.FORBIDDEN.message;
                    FullHttpResponse response = HttpReplies.response(HttpResponseStatus.FORBIDDEN,
                            "application/json", "{\"code\":" + EngineError.FORBIDDEN.code + ",\"message\":"
                                    + JsonStrings.quote(message) + "}");
                    CorsHeaders.apply(cors, origin, response.headers());
                    HttpReplies.write(ctx, response, keepAlive);
                } else {
                    handshake(ctx, req, keepAlive, origin, transport, handshake);
                }
            } finally {
                req.release();
            }
        }));
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, String origin,
                           EngineOptions.Transport transport, HandshakeRequest handshake) {
        // the reference server treats a missing or unknown EIO as protocol 3, which it does not speak by default
        if (!"4".equals(handshake.queryParam("EIO"))) {
            refuse(ctx, keepAlive, origin, EngineError.UNSUPPORTED_PROTOCOL_VERSION, handshake);
            return;
        }
        if (transport == EngineOptions.Transport.WEBSOCKET) {
            acceptWebSocket(ctx, req, null, handshake);
            return;
        }
        PollingTransport polling = new PollingTransport();
        EngineSession session = server.newSession(handshake, server.sessionLoop(ctx.channel().eventLoop()), polling);
        polling.attach(session);
        polling.onPollRequest(new HttpPollExchange(ctx, keepAlive, options.cors(), origin));
        server.open(session);
    }

    private void onPollingRequest(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, String origin,
                                  EngineSession session, long arrivedAt) {
        boolean get = req.method().equals(HttpMethod.GET);
        if (!get && !req.method().equals(HttpMethod.POST)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return;
        }
        String body = null;
        if (!get) {
            // protocol v4 sends binary as base64 text; an octet-stream body is a protocol v3 client
            String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
                refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                session.close();
                return;
            }
            body = req.content().toString(StandardCharsets.UTF_8);
        }
        HttpPollExchange exchange = new HttpPollExchange(ctx, keepAlive, options.cors(), origin, arrivedAt);
        String postBody = body;
        session.inbound(() -> session.onPollingRequest(postBody, exchange));
    }

    /**
     * Completes the websocket handshake and swaps this HTTP handler for the frame handlers. {@code existing} is the
     * polling session to upgrade, or null to open a new session over websocket described by {@code handshake}.
     */
    private void acceptWebSocket(ChannelHandlerContext ctx, FullHttpRequest req, EngineSession existing,
                                 HandshakeRequest handshake) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (!isRfc6455Upgrade(req)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST, handshake);
            return;
        }
        if (!originAllowed(origin, req)) {
            refuse(ctx, keepAlive, origin, EngineError.FORBIDDEN, handshake);
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                scheme + req.headers().get(HttpHeaderNames.HOST) + req.uri(), null,
                server.webSocketDecoderConfig()).newHandshaker(req);
        if (handshaker == null) {
            options.observer().refused(EngineError.BAD_REQUEST, handshake);
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        NettySessionLoop channelLoop = server.sessionLoop(ctx.channel().eventLoop());
        WebSocketTransport transport = new WebSocketTransport(ctx.channel(), options.perMessageDeflate(),
                channelLoop.flushes());
        EngineSession session = existing;
        if (session == null) {
            session = server.newSession(handshake, channelLoop, transport);
        }
        if (existing != null) {
            // handed in before the handshake answers, so that it counts before any request the client sends once
            // it has the answer (a second websocket for the same sid); a refusal closes after that answer, on the
            // connection's loop, which is busy with this request until the answer is written
            existing.inbound(() -> {
                if (!existing.tryUpgrade(transport)) {
                    // after what the loops still have to write for the session (the first websocket's answers)
                    existing.loop().afterReadsInFlight(
                            () -> ctx.channel().eventLoop().execute(() -> transport.close(List.of())));
                }
            });
        }
        WebSocketFrameHandler frames = new WebSocketFrameHandler(session, transport);
        EngineSession opened = existing == null ? session : null;
        handshaker.handshake(ctx.channel(), req).addListener(future -> {
            if (!future.isSuccess()) {
                ctx.channel().close();
            } else if (opened != null) {
                server.open(opened);
            }
        });
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(options.maxHttpBufferSize()));
        pipeline.addAfter("ws-aggregator", "ws-engine", frames);
        pipeline.remove(this);
        // an idle websocket should cost little: the HTTP routes stay only on HTTP connections
        for (String name : pipeline.names()) {
            if (name.startsWith(EngineServer.HTTP_ROUTE_PREFIX) || name.equals(EngineServer.NOT_FOUND)
                    || name.equals(EngineServer.HTTP_HEAD_GUARD)) {
                pipeline.remove(name);
            }
        }
    }

    /**
     * Browsers apply no CORS to websockets: a page from any site may open one with the user's cookies. So with an
     * origin list configured, an upgrade whose Origin is not on it is refused. A request without Origin does not
     * come from a browser page, and a non-browser client could claim any origin anyway. A page served by this
     * server itself (its Origin names the Host it asked) is same-origin, which CORS never restricts either.
     */
    private boolean originAllowed(String origin, FullHttpRequest req) {
        CorsOptions cors = options.cors();
        return origin == null || !cors.enabled() || cors.allows(origin) || sameOrigin(origin,
                req.headers().get(HttpHeaderNames.HOST));
    }

    private static boolean sameOrigin(String origin, String host) {
        int schemeEnd = origin.indexOf("://");
        return host != null && schemeEnd > 0 && origin.substring(schemeEnd + 3).equalsIgnoreCase(host);
    }

    /**
     * What Netty's RFC 6455 handshaker insists on. Without it the handshake throws half-way, after the session was
     * created, or (no version header) Netty falls back to the obsolete hixie-76 handshake.
     */
    private static boolean isRfc6455Upgrade(FullHttpRequest req) {
        return req.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION)
                && req.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                // an Upgrade list such as ", websocket" passes the transport check but not the handshaker's
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void refuse(ChannelHandlerContext ctx, boolean keepAlive, String origin, EngineError error) {
        refuse(ctx, keepAlive, origin, error, null);
    }

    /** {@code handshake}: the request that was let through {@link AllowRequest} and now opens no session, or null. */
    private void refuse(ChannelHandlerContext ctx, boolean keepAlive, String origin, EngineError error,
                        HandshakeRequest handshake) {
        options.observer().refused(error, handshake);
        FullHttpResponse response = HttpReplies.error(error);
        CorsHeaders.apply(options.cors(), origin, response.headers());
        HttpReplies.write(ctx, response, keepAlive);
    }

    private static HandshakeRequest handshakeRequest(ChannelHandlerContext ctx, FullHttpRequest req) {
        return HandshakeRequest.of(req.method().name(), req.uri(), req.headers(),
                (InetSocketAddress) ctx.channel().remoteAddress(), ctx.pipeline().get(SslHandler.class) != null,
                System.currentTimeMillis());
    }

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
