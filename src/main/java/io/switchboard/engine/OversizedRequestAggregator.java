package io.switchboard.engine;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Aggregates requests up to {@code maxHttpBufferSize}; a larger one is answered 413 by Netty. The session it was
 * meant for lives on, as with the reference server (engine.io 6.6.13): the payload is refused, the client is not.
 * A JSONP POST may be longer: the limit is for its payload, which the form encodes in up to four bytes a byte, so
 * its form may grow to that and the handler checks the payload. Netty keeps one running limit for all requests
 * (the larger); a request's own limit is applied to its Content-Length (and Expect: 100-continue), and the handler
 * checks a chunked body against it.
 */
final class OversizedRequestAggregator extends HttpObjectAggregator {
    private final int maxPayload;
    private final int maxJsonpForm;

    OversizedRequestAggregator(EngineServer server) {
        this(server.options().maxHttpBufferSize());
    }

    private OversizedRequestAggregator(int maxPayload) {
        super(JsonpForm.maxBodyBytes(maxPayload));
        this.maxPayload = maxPayload;
        this.maxJsonpForm = JsonpForm.maxBodyBytes(maxPayload);
    }

    @Override
    protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
        return super.isContentLengthInvalid(start, limit(start));
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        return super.newContinueResponse(start, limit(start), pipeline);
    }

    private int limit(HttpMessage start) {
        return start instanceof HttpRequest request && jsonp(request.uri()) ? maxJsonpForm : maxPayload;
    }

    private static boolean jsonp(String uri) {
        if (!uri.contains(EngineHttpHandler.JSONP_PARAM + "=")) {
            return false;
        }
        try {
            return QueryParams.first(uri, EngineHttpHandler.JSONP_PARAM) != null;
        } catch (IllegalArgumentException e) {
            return false;   // bad percent-encoding: the handler refuses it
        }
    }
}
