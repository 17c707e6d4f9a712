package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;

/**
 * Routes Engine.IO requests under the configured path: handshakes, polling GET/POST and websocket upgrades,
 * checked in the reference server's order. Anything else goes on down the pipeline.
 */
final class EngineHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The query parameter of a JSONP poll: the index of the client's callback. */
    static final String JSONP_PARAM = "j";

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
            QueryParams.checkEncoding(req.uri());
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
            server.installRoutes(ctx.pipeline());
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
                && first(uri, "EIO") == null && first(uri, "transport") == null;
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
        // a polling request naming a callback index is JSONP (websocket requests take no notice of j, as the
        // reference's do)
        List<String> j = QueryParams.all(uri.uri(), JSONP_PARAM);
        String jsonp = null;
        if (j != null && transport == EngineOptions.Transport.POLLING && !upgrade) {
            jsonp = JsonpScript.callbackIndex(j);
            if (jsonp == null) {
                refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
                return;
            }
        }
        String sid = first(uri, "sid");
        if (sid != null) {
            EngineSession session = server.session(sid);
            ClusterEngine cluster = server.cluster();
            if (session == null && cluster != null && cluster.ownedElsewhere(sid)) {
                relay(ctx, req, uri, upgrade, transport, sid, arrivedAt, jsonp);
            } else if (session == null) {
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
                onPollingRequest(ctx, req, keepAlive, origin, session, arrivedAt, jsonp);
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
            handshake(ctx, req, keepAlive, origin, transport, handshake, jsonp);
            return;
        }
        String jsonpIndex = jsonp;
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
                    handshake(ctx, req, keepAlive, origin, transport, handshake, jsonpIndex);
                }
            } finally {
                req.release();
            }
        }));
    }

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, String origin,
                           EngineOptions.Transport transport, HandshakeRequest handshake, String jsonp) {
        // the reference server takes a missing or unknown EIO for protocol 3; here only EIO=3 is (every v3 client
        // sends it), so that a request naming no protocol, or a wrong one, is refused with allowEIO3 on too
        String revision = handshake.queryParam("EIO");
        boolean eio3 = "3".equals(revision);
        if (eio3 ? !options.allowEIO3() : !"4".equals(revision)) {
            refuse(ctx, keepAlive, origin, EngineError.UNSUPPORTED_PROTOCOL_VERSION, handshake);
            return;
        }
        if (transport == EngineOptions.Transport.WEBSOCKET) {
            acceptWebSocket(ctx, req, null, handshake);
            return;
        }
        PollingTransport polling = eio3 ? new Eio3PollingTransport(supportsBinary(uri(req))) : new PollingTransport();
        EngineSession session = server.newSession(handshake, server.sessionLoop(ctx.channel().eventLoop()), polling,
                eio3);
        polling.attach(session);
        polling.onPollRequest(new HttpPollExchange(ctx, keepAlive, options.cors(), origin, System.nanoTime(), jsonp));
        server.open(session);
    }

    private void onPollingRequest(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, String origin,
                                  EngineSession session, long arrivedAt, String jsonp) {
        PolledRequest polled = polledRequest(ctx, req, keepAlive, origin, "3".equals(session.protocol()), jsonp);
        if (polled == null) {
            if (req.method().equals(HttpMethod.POST)) {
                session.close();
            }
            return;
        }
        if (polled == PolledRequest.OVERSIZED) {
            return;
        }
        HttpPollExchange exchange = new HttpPollExchange(ctx, keepAlive, options.cors(), origin, arrivedAt, jsonp);
        session.inbound(() -> session.onPollingRequest(polled.body(), exchange));
    }

    /** A polling GET ({@code body} null) or POST as the session will read it. */
    private record PolledRequest(String body) {
        /** A POST over maxHttpBufferSize, already answered 413: the session lives on, as with the aggregator's. */
        static final PolledRequest OVERSIZED = new PolledRequest(null);
    }

    /**
     * The request's body for the session, or null after refusing a request that is neither GET nor a POST of its
     * protocol (or a malformed JSONP form), or {@link PolledRequest#OVERSIZED}.
     */
    private PolledRequest polledRequest(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive,
                                        String origin, boolean eio3, String jsonp) {
        boolean get = req.method().equals(HttpMethod.GET);
        if (!get && !req.method().equals(HttpMethod.POST)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return null;
        }
        if (get) {
            return new PolledRequest(null);
        }
        // protocol v4 sends binary as base64 text; an octet-stream body is a protocol v3 client's binary payload
        String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        boolean binary = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream");
        if (binary && (!eio3 || jsonp != null)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return null;
        }
        if (jsonp != null) {
            return jsonpPost(ctx, req, keepAlive, origin);
        }
        if (req.content().readableBytes() > options.maxHttpBufferSize()) {
            // a chunked body, which the aggregator let grow to a JSONP form's size
            return oversized(ctx, keepAlive, origin);
        }
        // a v3 binary payload goes on as ISO-8859-1 text, one char per byte, which its decoder reads back
        return new PolledRequest(req.content().toString(
                binary ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    /** A JSONP POST: the payload is the form's field d, and maxHttpBufferSize is for the payload, not the form. */
    private PolledRequest jsonpPost(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive, String origin) {
        String payload;
        try {
            payload = JsonpForm.payload(req.content().toString(StandardCharsets.UTF_8));
        } catch (MalformedPacketException e) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
            return null;
        }
        if (payload.getBytes(StandardCharsets.UTF_8).length > options.maxHttpBufferSize()) {
            return oversized(ctx, keepAlive, origin);
        }
        return new PolledRequest(payload);
    }

    private PolledRequest oversized(ChannelHandlerContext ctx, boolean keepAlive, String origin) {
        FullHttpResponse response = HttpReplies.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, null, "");
        CorsHeaders.apply(options.cors(), origin, response.headers());
        HttpReplies.write(ctx, response, keepAlive);
        return PolledRequest.OVERSIZED;
    }

    /**
     * A request for a session of another node (cluster engine): relayed to the owner, which answers it. Checks that
     * need no session are made here, as for a local one; a websocket is accepted here and bridged.
     */
    private void relay(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, boolean upgrade,
                       EngineOptions.Transport transport, String sid, long arrivedAt, String jsonp) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        ClusterEngine cluster = server.cluster();
        if (upgrade && transport == EngineOptions.Transport.WEBSOCKET) {
            if (!mayUpgrade(ctx, req, null)) {
                return;
            }
            RelayedWebSocket bridge = cluster.relayWebSocket(sid, first(uri, "EIO"), ctx.channel());
            upgrade(ctx, req, bridge, future -> {
                if (!future.isSuccess()) {
                    ctx.channel().close();
                }
            });
        } else if (upgrade || transport != EngineOptions.Transport.POLLING) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST);
        } else {
            // the owner's session is v3 only if the request says so and this server allows it
            boolean eio3 = options.allowEIO3() && "3".equals(first(uri, "EIO"));
            PolledRequest polled = polledRequest(ctx, req, keepAlive, origin, eio3, jsonp);
            if (polled != null && polled != PolledRequest.OVERSIZED) {
                cluster.relayPoll(sid, polled.body(),
                        new HttpPollExchange(ctx, keepAlive, options.cors(), origin, arrivedAt, jsonp), ctx.executor());
            }
        }
    }

    /**
     * Completes the websocket handshake and swaps this HTTP handler for the frame handlers. {@code existing} is the
     * polling session to upgrade, or null to open a new session over websocket described by {@code handshake}.
     */
    private void acceptWebSocket(ChannelHandlerContext ctx, FullHttpRequest req, EngineSession existing,
                                 HandshakeRequest handshake) {
        if (!mayUpgrade(ctx, req, handshake)) {
            return;
        }
        NettySessionLoop channelLoop = server.sessionLoop(ctx.channel().eventLoop());
        boolean eio3 = existing != null ? "3".equals(existing.protocol()) : "3".equals(handshake.queryParam("EIO"));
        WebSocketTransport transport = eio3
                ? new Eio3WebSocketTransport(ctx.channel(), options.perMessageDeflate(), channelLoop.flushes(),
                        supportsBinary(uri(req)))
                : new WebSocketTransport(ctx.channel(), options.perMessageDeflate(), channelLoop.flushes());
        EngineSession session = existing;
        if (session == null) {
            session = server.newSession(handshake, channelLoop, transport, eio3);
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
        WebSocketFrameHandler frames = eio3 ? new Eio3WebSocketFrameHandler(session, transport)
                : new WebSocketFrameHandler(session, transport);
        EngineSession opened = existing == null ? session : null;
        upgrade(ctx, req, frames, future -> {
            if (!future.isSuccess()) {
                ctx.channel().close();
            } else if (opened != null) {
                server.open(opened);
            }
        });
    }

    /** Whether a websocket request may be upgraded; after refusing one that may not, false. */
    private boolean mayUpgrade(ChannelHandlerContext ctx, FullHttpRequest req, HandshakeRequest handshake) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (!isRfc6455Upgrade(req)) {
            refuse(ctx, keepAlive, origin, EngineError.BAD_REQUEST, handshake);
            return false;
        }
        if (!originAllowed(origin, req)) {
            refuse(ctx, keepAlive, origin, EngineError.FORBIDDEN, handshake);
            return false;
        }
        if (!WebSocketUpgrade.supportedVersion(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            options.observer().refused(EngineError.BAD_REQUEST, handshake);
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return false;
        }
        return true;
    }

    /**
     * Answers the upgrade and puts the websocket's handlers in place of the HTTP ones; {@code answered} runs when the
     * answer is written, and only then does the websocket start reading. Without compression the websocket is one
     * handler, {@link WebSocketCodec}, and the answer is written as bytes below the HTTP codec. With per-message
     * deflate, Netty's handshaker, decoders and aggregator: its compression handler negotiates the extension on the
     * handshaker's answer.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, WebSocketMessageHandler messages,
                         ChannelFutureListener answered) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (options.perMessageDeflate()) {
            String scheme = pipeline.get(SslHandler.class) != null ? "wss://" : "ws://";
            ChannelFuture answer = new WebSocketServerHandshakerFactory(
                    scheme + req.headers().get(HttpHeaderNames.HOST) + req.uri(), null,
                    server.webSocketDecoderConfig()).newHandshaker(req).handshake(ctx.channel(), req);
            pipeline.addAfter(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(options.maxHttpBufferSize()));
            pipeline.addAfter("ws-aggregator", EngineServer.WEBSOCKET, messages);
            pipeline.remove(this);
            // an idle websocket should cost little: the HTTP routes stay only on HTTP connections
            for (String name : pipeline.names()) {
                if (name.startsWith(EngineServer.HTTP_ROUTE_PREFIX) || name.equals(EngineServer.NOT_FOUND)
                        || name.equals(EngineServer.HTTP_HEAD_GUARD)) {
                    pipeline.remove(name);
                }
            }
            answer.addListener(answered);
            return;
        }
        ChannelFuture answer = pipeline.context(EngineServer.HTTP_CODEC).writeAndFlush(
                WebSocketUpgrade.response(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY)));
        WebSocketCodec codec = new WebSocketCodec(messages, options.maxHttpBufferSize());
        pipeline.addAfter(ctx.name(), EngineServer.WEBSOCKET, codec);
        // every HTTP handler goes, from the first of them to this one; what lies before them (TLS) stays. Bytes the
        // HTTP codec still holds pass on to the websocket's handler as it leaves.
        boolean http = false;
        for (String name : pipeline.names()) {
            http |= name.equals(HttpDeadlines.BYTES) || name.equals(EngineServer.HTTP_CODEC);
            // names() ends with the pipeline's tail, which context() does not know
            if (http && !name.equals(EngineServer.WEBSOCKET) && pipeline.context(name) != null) {
                pipeline.remove(name);
            }
        }
        ChannelHandlerContext codecContext = pipeline.context(codec);
        answer.addListener(answered).addListener(future -> {
            if (future.isSuccess() && !codecContext.isRemoved()) {
                codec.start(codecContext);
            }
        });
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
        Iterable<Map.Entry<CharSequence, CharSequence>> headers = req.headers()::iteratorCharSequence;
        return HandshakeRequest.of(req.method().name(), req.uri(), headers,
                (InetSocketAddress) ctx.channel().remoteAddress(), ctx.pipeline().get(SslHandler.class) != null,
                System.currentTimeMillis());
    }

    private static QueryStringDecoder uri(FullHttpRequest req) {
        return new QueryStringDecoder(req.uri());
    }

    /** Engine.IO 3: binary goes as binary unless the client asked for base64 ({@code b64} with a value). */
    private static boolean supportsBinary(QueryStringDecoder uri) {
        String b64 = first(uri, "b64");
        return b64 == null || b64.isEmpty();
    }

    private static String first(QueryStringDecoder uri, String name) {
        return QueryParams.first(uri.uri(), name);
    }
}
