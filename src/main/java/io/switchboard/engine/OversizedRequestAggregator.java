package io.switchboard.engine;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Aggregates requests up to {@code maxHttpBufferSize}; a larger one is answered 413 by Netty, and the session it
 * was meant for is closed, since the client can no longer be trusted to be in step.
 */
final class OversizedRequestAggregator extends HttpObjectAggregator {
    private final EngineServer server;

    OversizedRequestAggregator(EngineServer server) {
        super(server.options().maxHttpBufferSize());
        this.server = server;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (oversized instanceof HttpRequest request) {
            EngineSession session = session(request.uri());
            if (session != null) {
                session.closeForError("payload too large");
            }
        }
        super.handleOversizedMessage(ctx, oversized);
    }

    private EngineSession session(String uri) {
        try {
            var sid = new QueryStringDecoder(uri).parameters().get("sid");
            return sid == null || sid.isEmpty() ? null : server.session(sid.get(0));
        } catch (IllegalArgumentException e) { // bad percent-encoding: no session to close, still a 413
            return null;
        }
    }
}
