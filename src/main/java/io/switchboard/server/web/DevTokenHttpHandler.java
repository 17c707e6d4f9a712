package io.switchboard.server.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.engine.HttpReplies;
import io.switchboard.server.auth.AuthSettings;

/**
 * {@code GET /dev/token?sub=NAME&org=ORG[&name=DISPLAY]}: a one-hour HS256 token signed with the PUBLIC development
 * secret, for the demo page. Installed only while that secret is in use (no key configured), when anyone can mint
 * such tokens anyway. Answers {@code {"token": "..."}}.
 */
@ChannelHandler.Sharable
public final class DevTokenHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    public static final String PATH = "/dev/token";
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Duration LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuthSettings auth;

    public DevTokenHttpHandler(AuthSettings auth) {
        super(false);
        if (!auth.developmentSecret()) {
            throw new IllegalArgumentException("dev tokens only with the development secret");
        }
        this.auth = auth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        if (!uri.path().equals(PATH)) {
            ctx.fireChannelRead(req);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            FullHttpResponse response;
            if (!req.method().equals(HttpMethod.GET)) {
                response = json(HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", "GET only"));
                response.headers().set(HttpHeaderNames.ALLOW, "GET");
            } else {
                String sub = param(uri, "sub");
                String org = param(uri, "org");
                String name = param(uri, "name");
                if (sub == null || !ID.matcher(sub).matches() || (org != null && !ID.matcher(org).matches())
                        || (name != null && name.length() > 64)) {
                    response = json(HttpResponseStatus.BAD_REQUEST, Map.of("error",
                            "sub (and org) must be 1 to 64 of A-Z a-z 0-9 . _ @ -; name at most 64 characters"));
                } else {
                    response = json(HttpResponseStatus.OK, Map.of("token", mint(sub, org, name)));
                }
            }
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpReplies.write(ctx, response, keepAlive);
        } finally {
            req.release();
        }
    }

    /** A token for this user, as `switchboard token --sub SUB --org ORG --name NAME` would mint it. */
    public String mint(String sub, String org, String name) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(auth.claims().userId(), sub);
        if (org != null) {
            claims.put(auth.claims().org(), org);
        }
        claims.put(auth.claims().name(), name != null ? name : sub);
        Instant now = Instant.now();
        JwtBuilder builder = Jwts.builder().claims(claims).subject(sub).issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(LIFETIME)));
        if (!auth.issuer().isEmpty()) {
            builder.issuer(auth.issuer());
        }
        if (!auth.audience().isEmpty()) {
            builder.audience().add(auth.audience()).and();
        }
        return builder.signWith(auth.hmacKey("HS256"), Jwts.SIG.HS256).compact();
    }

    private static String param(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static FullHttpResponse json(HttpResponseStatus status, Map<String, String> body) {
        try {
            return HttpReplies.response(status, "application/json", JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
