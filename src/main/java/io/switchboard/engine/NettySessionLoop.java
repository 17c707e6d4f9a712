package io.switchboard.engine;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;

/** A session's home: the Netty event loop of the connection that opened it. */
final class NettySessionLoop implements SessionLoop {
    private final EventLoop loop;
    private final FlushBatch flushes;
    private final PingQueue pings = new PingQueue(this);

    NettySessionLoop(EventLoop loop) {
        this.loop = loop;
        this.flushes = new FlushBatch(loop);
    }

    @Override
    public PingQueue pings() {
        return pings;
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

    /**
     * Two rounds through every loop of the group. A loop runs its queued tasks after its I/O, so the first round
     * finishes what was queued on it (a connection the acceptor handed over just before registers there), and the
     * second comes after one more I/O pass, which has read every request that was in the kernel's buffers when this
     * began.
     */
    @Override
    public void afterReadsInFlight(Runnable task) {
        throughEveryLoop(2, task);
    }

    private void throughEveryLoop(int rounds, Runnable task) {
        if (rounds == 0) {
            loop.execute(task);
            return;
        }
        int loops = 0;
        for (EventExecutor ignored : loop.parent()) {
            loops++;
        }
        AtomicInteger pending = new AtomicInteger(loops);
        for (EventExecutor each : loop.parent()) {
            each.execute(() -> {
                if (pending.decrementAndGet() == 0) {
                    throughEveryLoop(rounds - 1, task);
                }
            });
        }
    }
}
