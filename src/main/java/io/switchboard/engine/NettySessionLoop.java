package io.switchboard.engine;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

/** A session's home: the Netty event loop of the connection that opened it. */
final class NettySessionLoop implements SessionLoop {
    private final EventLoop loop;
    private final FlushBatch flushes;

    NettySessionLoop(EventLoop loop) {
        this.loop = loop;
        this.flushes = new FlushBatch(loop);
    }

    /** The websocket flushes of this loop's connections. */
    FlushBatch flushes() {
        return flushes;
    }

    @Override
    public boolean inLoop() {
        return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Runnable schedule(Runnable task, long delayMillis) {
        ScheduledFuture<?> future = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }
}
