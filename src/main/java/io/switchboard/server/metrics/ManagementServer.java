package io.switchboard.server.metrics;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.HttpDeadlines;
import io.switchboard.engine.HttpReplies;
import io.switchboard.server.health.Health;
import io.switchboard.server.health.HealthHttpHandler;

/**
 * A separate port for GET /metrics, /healthz and /readyz ({@code metrics.port}), on one event loop of its own, so
 * that scrapers and probes need not reach the port clients use. Its connections keep the client port's HTTP
 * deadlines (idle, request head, body): an idle or slow connection here holds a descriptor of the same process.
 */
public final class ManagementServer implements AutoCloseable {
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final String HTTP_CODEC = "http-codec";

    private final SwitchboardMetrics metrics;
    private final Health health;
    private final EngineOptions deadlines;
    private EventLoopGroup group;
    private Channel channel;

    /** {@code metrics} null: health only (metrics.enabled: false); {@code deadlines}: the client port's options. */
    public ManagementServer(SwitchboardMetrics metrics, Health health, EngineOptions deadlines) {
        this.metrics = metrics;
        this.health = health;
        this.deadlines = deadlines;
    }

    public InetSocketAddress start(String host, int port) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(HTTP_CODEC, new HttpServerCodec());
                        HttpDeadlines.install(ch.pipeline(), HTTP_CODEC, deadlines);
                        ch.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                        if (metrics != null) {
                            ch.pipeline().addLast(new MetricsHttpHandler(metrics));
                        }
                        ch.pipeline().addLast(new HealthHttpHandler(health), new NotFound());
                    }
                })
                .bind(host, port).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            HttpReplies.write(ctx, HttpReplies.response(HttpResponseStatus.NOT_FOUND, "application/json",
                    "{\"message\":\"Not found\"}"), HttpUtil.isKeepAlive(req));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
