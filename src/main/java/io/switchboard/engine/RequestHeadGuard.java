package io.switchboard.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
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
    private static final long LINGER_MILLIS = 2_000;

    static final String COMPRESSOR = "http-compressor";

    private final int maxHeaderCount;
    /** Makes the response compressor, or null when responses are not compressed. */
    private final Supplier<ChannelHandler> compressor;
    /** Set once a request was refused: whatever else arrives before the close is dropped. */
    private boolean refused;
    private boolean firstRequestSeen;

    RequestHeadGuard(int maxHeaderCount, Supplier<ChannelHandler> compressor) {
        this.maxHeaderCount = maxHeaderCount;
        this.compressor = compressor;
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
                ctx.writeAndFlush(response).addListener(future -> closeGently(ctx));
                return;
            }
            if (!firstRequestSeen) {
                firstRequestSeen = true;
                addCompressorFor(ctx, request);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * A compressor keeps state per connection (its handlers, the queue of what each request accepts), so it joins
     * only a connection whose first request accepts an encoding; one that does not (most non-browser clients)
     * would get every response uncompressed from it anyway. Only at the first request: a compressor that came
     * later would find a response to an earlier, pipelined request it never saw.
     */
    private void addCompressorFor(ChannelHandlerContext ctx, HttpRequest request) {
        if (compressor != null && request.headers().contains(HttpHeaderNames.ACCEPT_ENCODING)) {
            ctx.pipeline().addAfter(ctx.name(), COMPRESSOR, compressor.get());
        }
    }

    /**
     * Closing with the rest of the request unread would make the kernel reset the connection, which can destroy
     * the response before the client reads it. So only the sending side is shut; what still arrives is dropped,
     * and the connection closes when the client closes it, or after a grace period.
     */
    private static void closeGently(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ctx.close();
        }
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
