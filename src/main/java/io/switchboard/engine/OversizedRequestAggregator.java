package io.switchboard.engine;

import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates requests up to {@code maxHttpBufferSize}; a larger one is answered 413 by Netty. The session it was
 * meant for lives on, as with the reference server (engine.io 6.6.13): the payload is refused, the client is not.
 */
final class OversizedRequestAggregator extends HttpObjectAggregator {
    OversizedRequestAggregator(EngineServer server) {
        super(server.options().maxHttpBufferSize());
    }
}
