package io.switchboard.engine;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The deadlines of an HTTP connection that is not (yet) a websocket: nothing may hold a connection open for free.
 * Idle (no request since it opened or since its last response): {@code httpIdleTimeout}. A request head from its first
 * byte: {@code requestHeadTimeout}. A body from its head: {@code httpRequestBodyTimeout}. A websocket upgrade request
 * until the switch: {@code websocketHandshakeTimeout}. A request waiting for its response (a long poll) has none: the
 * session's heartbeat bounds it. Once the connection switches to websocket both halves leave the pipeline.
 *
 * <p>Two handlers share the state: {@link #bytes()} before the HTTP codec sees the first byte of a request; this one
 * after it sees whole heads, body ends and responses. One timer task at a time, moved only when a deadline comes
 * sooner than the one it is set for, so that a request costs little timer work.
 */
public final class HttpDeadlines extends ChannelDuplexHandler {
    static final String BYTES = "deadline-bytes";
    static final String NAME = "deadlines";

    private enum Reading { NONE, HEAD, BODY }

    /** A timer this late means the loop or the process stood still (a GC pause, SIGSTOP); input may wait unread. */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final EngineOptions options;
    private final ChannelHandler bytes = new FirstByte();
    private Reading reading = Reading.NONE;
    /** Requests whose head was read and whose response has not been written out yet. */
    private int inFlight;
    private boolean upgrading;
    /** When the phase's deadline passes (System.nanoTime), fixed when it starts: activity does not move it. */
    private long readDeadline;
    private long upgradeDeadline;
    /** Whether a deadline is set, when it passes (System.nanoTime), and what it is. */
    private boolean armed;
    private long deadline;
    private String reason;
    /** The current deadline has had its grace after a stall. */
    private boolean graced;
    private ScheduledFuture<?> timer;
    private long timerAt;
    private ChannelHandlerContext ctx;
    /** Out of the pipeline (the connection is a websocket now): a response finishing late sets no timer. */
    private boolean removed;

    HttpDeadlines(EngineOptions options) {
        this.options = options;
    }

    /**
     * Adds both halves around the HTTP codec named {@code codec}, with the deadlines of {@code options}; what they
     * close is reported to its observer. Also for HTTP ports beside the engine's (the management port).
     */
    public static void install(ChannelPipeline pipeline, String codec, EngineOptions options) {
        HttpDeadlines deadlines = new HttpDeadlines(options);
        pipeline.addBefore(codec, BYTES, deadlines.bytes);
        pipeline.addAfter(codec, NAME, deadlines);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            rearm();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        rearm();
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        stopTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            inFlight++;
            reading = Reading.BODY;
            readDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.httpRequestBodyTimeout());
            if (!upgrading && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET,
                    true)) {
                upgrading = true;
                upgradeDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                        options.websocketHandshakeTimeout());
            }
        }
        if (msg instanceof LastHttpContent) {
            reading = Reading.NONE;
        }
        rearm();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // a websocket from now on: the engine's heartbeat and upgrade timeout take over
            ctx.write(msg, promise);
            ChannelPipeline pipeline = ctx.pipeline();
            pipeline.remove(bytes);
            pipeline.remove(this);
            return;
        }
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;   // 100 Continue: more to come
        if (msg instanceof LastHttpContent && !informational) {
            ChannelPromise written = promise.unvoid();
            written.addListener(future -> responded());
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }

    /** A response is out (or failed): the connection is idle again unless another request is in flight. */
    private void responded() {
        inFlight = Math.max(0, inFlight - 1);
        upgrading = false;
        rearm();
    }

    /** Sets the deadline the connection's state calls for. */
    private void rearm() {
        if (ctx == null || removed || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (upgrading) {
            set(upgradeDeadline, ConnectionRefusal.HANDSHAKE_TIMEOUT);
        } else if (reading == Reading.HEAD) {
            set(readDeadline, ConnectionRefusal.REQUEST_TIMEOUT);
        } else if (reading == Reading.BODY) {
            set(readDeadline, ConnectionRefusal.BODY_TIMEOUT);
        } else if (inFlight > 0) {
            armed = false;
        } else {
            set(now + TimeUnit.MILLISECONDS.toNanos(options.httpIdleTimeout()), ConnectionRefusal.IDLE_TIMEOUT);
        }
    }

    private void set(long at, String why) {
        if (!armed || at != deadline) {
            graced = false;
        }
        armed = true;
        deadline = at;
        reason = why;
        if (timer == null || at - timerAt < 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            schedule(at);
        }
    }

    private void schedule(long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this::check, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The timer fired: the deadline may have moved later (schedule again), gone (stop), or passed (close). */
    private void check() {
        timer = null;
        if (!armed || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (deadline - now > 0) {
            schedule(deadline);
            return;
        }
        if (!graced && now - timerAt > STALL_NANOS) {
            // the request that would have reset the deadline may be waiting in the socket: let the loop read it first
            graced = true;
            schedule(now + GRACE_NANOS);
            return;
        }
        expire();
    }

    private void expire() {
        String why = reason;
        armed = false;
        options.observer().connectionRefused(why);
        // a slow request gets the 408 Node sends, when no other response is half way out on the connection
        boolean requestTimeout = why.equals(ConnectionRefusal.REQUEST_TIMEOUT) && inFlight == 0
                || why.equals(ConnectionRefusal.BODY_TIMEOUT) && inFlight == 1;
        if (requestTimeout) {
            FullHttpResponse response = HttpReplies.response(HttpResponseStatus.REQUEST_TIMEOUT, "application/json",
                    "{\"message\":\"Request Timeout\"}");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        ctx.close();
    }

    private void stopTimer() {
        armed = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Before the codec: the first bytes of a request start its head's deadline. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (reading == Reading.NONE) {
                reading = Reading.HEAD;
                readDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.requestHeadTimeout());
                rearm();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
