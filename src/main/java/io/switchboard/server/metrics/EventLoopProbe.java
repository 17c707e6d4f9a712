package io.switchboard.server.metrics;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;

/**
 * Put on the main port's pipeline: tells {@link SwitchboardMetrics} which event loop group serves the clients (for
 * its pending-tasks gauge), then takes itself out of the pipeline.
 */
@ChannelHandler.Sharable
public final class EventLoopProbe extends ChannelHandlerAdapter {
    private final SwitchboardMetrics metrics;

    public EventLoopProbe(SwitchboardMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        metrics.eventLoops(ctx.channel().eventLoop().parent());
        ctx.pipeline().remove(this);
    }
}
