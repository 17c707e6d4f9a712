package io.switchboard.bench.server;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;

/** What both JVM bench servers share: the lifetime bound, and the {@code /bench/gc} diagnostics route. */
final class ServerSupport {
    private ServerSupport() {
    }

    /** Halts after {@code maxSeconds}, or as soon as the process that started this one is gone. */
    static void boundLifetime(int maxSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() > deadline || (parent != null && !parent.isAlive())) {
                    System.err.println("bench server: lifetime over or parent gone, halting");
                    Runtime.getRuntime().halt(5);
                }
            }
        }, "bench-lifetime");
        t.setDaemon(true);
        t.start();
    }

    /** Runs a full GC and reports heap and direct memory: {@code {"heap_used":..,"direct":..,...}}. */
    static String gcReport() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long nio = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            nio += pool.getMemoryUsed();
        }
        return "{\"heap_used\":" + heap.getUsed() + ",\"heap_committed\":" + heap.getCommitted()
                + ",\"netty_direct\":" + PlatformDependent.usedDirectMemory() + ",\"nio_buffers\":" + nio + "}";
    }

    /** Answers GET /bench/gc; anything else goes on down the pipeline. */
    static final class GcRoute extends SimpleChannelInboundHandler<FullHttpRequest> {
        GcRoute() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.uri().startsWith("/bench/gc")) {
                ctx.fireChannelRead(req);
                return;
            }
            ReferenceCountUtil.release(req);
            ByteBuf body = Unpooled.copiedBuffer(gcReport(), StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
