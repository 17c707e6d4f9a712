package io.switchboard.engine;

import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A polling request held open until the session answers it; may be answered from the session's loop. A JSONP poll
 * ({@code jsonpIndex} set) gets its payload as a script calling the client's callback, and never a binary payload.
 */
final class HttpPollExchange implements PollExchange {
    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final CorsOptions cors;
    private final String origin;
    private final long arrivedAt;
    private final String jsonpIndex;
    private final AtomicBoolean responded = new AtomicBoolean();
    private ChannelFutureListener abortListener;

    /** {@code jsonpIndex}: the callback index of a JSONP poll ({@link JsonpScript#callbackIndex}), else null. */
    HttpPollExchange(ChannelHandlerContext ctx, boolean keepAlive, CorsOptions cors, String origin, long arrivedAt,
                     String jsonpIndex) {
        this.arrivedAt = arrivedAt;
        this.jsonpIndex = jsonpIndex;
        this.ctx = ctx;
        this.keepAlive = keepAlive;
        this.cors = cors;
        this.origin = origin;
    }

    @Override
    public long arrivedAt() {
        return arrivedAt;
    }

    @Override
    public void onAbort(Runnable callback) {
        abortListener = future -> {
            if (!responded.get()) {
                callback.run();
            }
        };
        ctx.channel().closeFuture().addListener(abortListener);
    }

    @Override
    public void respondPayload(String payload) {
        if (jsonpIndex != null) {
            reply(HttpReplies.response(HttpResponseStatus.OK, JsonpScript.CONTENT_TYPE,
                    JsonpScript.script(jsonpIndex, payload)));
            return;
        }
        reply(HttpReplies.response(HttpResponseStatus.OK, "text/plain; charset=UTF-8", payload));
    }

    @Override
    public boolean takesBinary() {
        // a script carries text only: a v3 client's binary goes as base64 in a string payload
        return jsonpIndex == null;
    }

    @Override
    public void respondBinaryPayload(byte[] payload) {
        reply(HttpReplies.response(HttpResponseStatus.OK, "application/octet-stream", payload));
    }

    @Override
    public void respondOk() {
        // text/html, as the reference does, so that old browsers do not offer "ok" as a download
        reply(HttpReplies.response(HttpResponseStatus.OK, "text/html", "ok"));
    }

    @Override
    public void respondError(EngineError error) {
        reply(HttpReplies.error(error));
    }

    @Override
    public void respondStatus(int status) {
        reply(HttpReplies.response(HttpResponseStatus.valueOf(status), null, ""));
    }

    private void reply(FullHttpResponse response) {
        if (!responded.compareAndSet(false, true)) {
            response.release();
            return;
        }
        if (abortListener != null) {
            ctx.channel().closeFuture().removeListener(abortListener);
        }
        CorsHeaders.apply(cors, origin, response.headers());
        // as the reference (engine.io 6.6.11): a poll's answer is for this request only, never for a cache
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpReplies.write(ctx, response, keepAlive);
    }
}
