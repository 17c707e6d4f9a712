package io.switchboard.engine;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers a request whose head the decoder refused (request line or headers too long, or malformed) or that has
 * too many header fields, with a JSON error, and closes the connection: the decoder cannot find the next request
 * after a bad head. Sits right after the HTTP codec, so nothing else sees such a request.
 */
final class RequestHeadGuard extends ChannelInboundHandlerAdapter {
    private final int maxHeaderCount;
    /** Set once a request was refused: whatever else arrives before the close is dropped. */
    private boolean refused;

    RequestHeadGuard(int maxHeaderCount) {
        this.maxHeaderCount = maxHeaderCount;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            HttpResponseStatus status = refusal(request);
            if (status != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                FullHttpResponse response = HttpReplies.response(status, "application/json",
                        "{\"message\":" + JsonStrings.quote(status.reasonPhrase()) + "}");
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private HttpResponseStatus refusal(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return HttpResponseStatus.REQUEST_URI_TOO_LONG;
            }
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
                return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            }
            return HttpResponseStatus.BAD_REQUEST;
        }
        return request.headers().size() > maxHeaderCount ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : null;
    }
}
