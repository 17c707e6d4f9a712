package io.switchboard.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.switchboard.engine.HttpReplies;

/** A file held in memory with its strong ETag, answered with 200, or 304 when the client's copy is current. */
public record StaticFile(byte[] bytes, String contentType, String etag, String cacheControl) {

    public static StaticFile of(byte[] bytes, String contentType, String cacheControl) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
            return new StaticFile(bytes, contentType, etag, cacheControl);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classpath resource, or null when it is not there. */
    public static StaticFile resource(String name, String contentType, String cacheControl) {
        try (InputStream in = StaticFile.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : of(in.readAllBytes(), contentType, cacheControl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StaticFile text(String text, String contentType, String cacheControl) {
        return of(text.getBytes(StandardCharsets.UTF_8), contentType, cacheControl);
    }

    /** Whether the If-None-Match header names this file's ETag (or is *). */
    public boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag) || t.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** Answers a GET or HEAD with the file (or 304), anything else with 405. Releases nothing. */
    public void write(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!head && !req.method().equals(HttpMethod.GET)) {
            FullHttpResponse refused = HttpReplies.response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                    "method not allowed\n");
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            HttpReplies.write(ctx, refused, keepAlive);
            return;
        }
        FullHttpResponse response;
        if (matches(req.headers().get(HttpHeaderNames.IF_NONE_MATCH))) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                    Unpooled.EMPTY_BUFFER);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        }
        response.headers().set(HttpHeaderNames.ETAG, etag);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        HttpReplies.write(ctx, response, keepAlive);
    }
}
