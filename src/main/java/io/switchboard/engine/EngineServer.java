package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Engine.IO v4 server on Netty: accepts connections, keeps the session registry, and hands every new session to
 * the layer above. Extra HTTP routes (metrics, health, APIs) go after the Engine.IO handler in the pipeline.
 */
public final class EngineServer {
    private static final Logger log = LoggerFactory.getLogger(EngineServer.class);
    /** Responses under this size are not worth compressing, as in the reference server. */
    private static final int COMPRESSION_THRESHOLD = 1024;

    /** Names of the HTTP handlers after the Engine.IO one, which a websocket connection no longer needs. */
    static final String HTTP_ROUTE_PREFIX = "http-route-";
    static final String NOT_FOUND = "not-found";
    static final String ENGINE = "engine";
    static final String HTTP_HEAD_GUARD = "http-head-guard";
    static final String HTTP_CODEC = "http";
    /** The websocket's handler once a connection is upgraded: its codec, or the engine's behind Netty's. */
    static final String WEBSOCKET = "ws-engine";

    private final EngineOptions options;
    /** Written by whichever loop takes the first connection; a race makes an equal one, which is harmless. */
    private volatile HttpDecoderConfig decoderConfig;
    private final Consumer<EngineSession> onConnection;
    private final List<Supplier<ChannelHandler>> httpRoutes = new ArrayList<>();
    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    /**
     * One session loop per event loop, shared by its sessions: nothing per connection, and the upper layers can
     * group the sessions of a loop by identity (a broadcast sends one task per loop).
     */
    private final Map<io.netty.channel.EventLoop, NettySessionLoop> sessionLoops = new ConcurrentHashMap<>();
    private final SessionIds ids;
    /** One for every session (not a capturing lambda each). */
    private final Consumer<EngineSession> removeSession = closed -> sessions.remove(closed.id(), closed);
    private volatile WebSocketDecoderConfig webSocketDecoderConfig;
    private final ConnectionAdmission admission;
    /** Serves the sessions of the other nodes too; null without {@link EngineOptions#cluster()}. */
    private final ClusterEngine cluster;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    public EngineServer(EngineOptions options, Consumer<EngineSession> onConnection) {
        this.options = options;
        this.onConnection = onConnection;
        this.admission = new ConnectionAdmission(options);
        this.cluster = options.cluster() == null ? null : new ClusterEngine(this, options.cluster(), options);
        this.ids = cluster == null ? new SessionIds() : new SessionIds(cluster.nodeTag());
    }

    ClusterEngine cluster() {
        return cluster;
    }

    public EngineOptions options() {
        return options;
    }

    /** Adds an HTTP handler for requests outside the Engine.IO path; a new instance per connection. */
    public EngineServer httpRoute(Supplier<ChannelHandler> handler) {
        httpRoutes.add(handler);
        return this;
    }

    /** The event loops that serve the connections; null before {@link #start}. */
    public EventLoopGroup eventLoops() {
        return workerGroup;
    }

    public EngineSession session(String id) {
        return sessions.get(id);
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Iterable<EngineSession> sessions() {
        return sessions.values();
    }

    /** TCP connections open on the main port now: HTTP ones, websockets, and those not yet either. */
    public int connectionCount() {
        return admission.open();
    }

    /** Binds and starts serving; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        if (cluster != null) {
            // before the first client: a relayed request must find this node listening
            try {
                cluster.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the cluster engine could not reach the other nodes", e);
            }
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        if (cluster != null) {
            cluster.watchRelays(bossGroup.next());
        }
        workerGroup = new MultiThreadIoEventLoopGroup(options.ioThreads(), io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // one for every connection (it only makes each its sizing handle); the default is one per channel
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ConnectionAdmission.Verdict verdict = admission.admit(ch);
                        if (verdict != ConnectionAdmission.Verdict.REFUSED) {
                            configure(ch.pipeline(), verdict == ConnectionAdmission.Verdict.RESERVED);
                        }
                    }
                });
        try {
            serverChannel = bootstrap.bind(host, port).sync().channel();
        } catch (Throwable e) {
            // a port in use: the loops just made would keep the JVM alive for nothing
            shutdownLoops();
            if (e instanceof java.io.IOException && !(e instanceof java.net.BindException)) {
                // epoll reports it as its own IOException; callers look for the JDK's, as with NIO
                java.net.BindException bind = new java.net.BindException("cannot bind " + host + ":" + port + ": "
                        + e.getMessage());
                bind.initCause(e);
                throw EngineServer.<RuntimeException>sneaky(bind);
            }
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.debug("engine bound to {} ({})", address, epoll ? "epoll" : "nio");
        return address;
    }

    /** Throws a checked exception where the signature cannot say so, as Netty's bind does. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable e) throws T {
        throw (T) e;
    }

    /** The handlers of an ordinary connection (also what the fuzz tests drive without a socket). */
    private void configure(ChannelPipeline pipeline) {
        configure(pipeline, false);
    }

    private void configure(ChannelPipeline pipeline, boolean reserved) {
        pipeline.addLast(HTTP_CODEC, new HttpServerCodec(decoderConfig()));
        HttpDeadlines.install(pipeline, HTTP_CODEC, options);
        if (reserved) {
            pipeline.addLast(ReservedPathGuard.NAME, new ReservedPathGuard(options.reservedPaths(),
                    options.observer()));
        }
        // the compressor joins at the first request that accepts an encoding (RequestHeadGuard)
        pipeline.addLast(HTTP_HEAD_GUARD, new RequestHeadGuard(options.maxHeaderCount(),
                options.httpCompression() ? EngineServer::newCompressor : null));
        pipeline.addLast("http-aggregator", new OversizedRequestAggregator(this));
        if (options.perMessageDeflate()) {
            // an inflated frame may not outgrow maxHttpBufferSize: a small compressed frame could otherwise inflate
            // to gigabytes before anything checks its size
            pipeline.addLast("ws-compression", new WebSocketServerCompressionHandler(options.maxHttpBufferSize()));
        }
        // the HTTP routes and the 404 join at the connection's first request outside the engine's path
        // (installRoutes): a connection that only polls or upgrades never carries them
        pipeline.addLast(ENGINE, new EngineHttpHandler(this));
    }

    /**
     * One for every connection: the decoder copies what it needs out of it. Made at the first connection, after the
     * options have been set.
     */
    private HttpDecoderConfig decoderConfig() {
        HttpDecoderConfig config = decoderConfig;
        if (config == null) {
            config = new HttpDecoderConfig().setMaxInitialLineLength(options.maxInitialLineLength())
                    .setMaxHeaderSize(options.maxHeaderSize());
            decoderConfig = config;
        }
        return config;
    }

    private static ChannelHandler newCompressor() {
        return new HttpContentCompressor(COMPRESSION_THRESHOLD, StandardCompressionOptions.gzip(),
                StandardCompressionOptions.deflate());
    }

    /**
     * Puts the HTTP routes and the 404 after the engine's handler, once per connection. Runs on the connection's
     * loop, before the engine's handler passes a request on.
     */
    void installRoutes(ChannelPipeline pipeline) {
        if (pipeline.context(NOT_FOUND) != null) {
            return;
        }
        String after = ENGINE;
        for (int i = 0; i < httpRoutes.size(); i++) {
            pipeline.addAfter(after, HTTP_ROUTE_PREFIX + i, httpRoutes.get(i).get());
            if (pipeline.context(HTTP_ROUTE_PREFIX + i) != null) {   // a route may leave at once, in handlerAdded
                after = HTTP_ROUTE_PREFIX + i;
            }
        }
        pipeline.addAfter(after, NOT_FOUND, NotFoundHandler.INSTANCE);
    }

    /** Closes every session ("forced close"), stops accepting, and shuts the event loops down. */
    public void stop() {
        // close on each session's loop and wait, then let every loop run the writes that queued on it: a loop that
        // is shutting down closes its channels before it runs pending tasks, which would lose the goodbyes
        if (workerGroup != null && !workerGroup.isShuttingDown()) {
            List<CompletableFuture<?>> closing = new ArrayList<>();
            for (EngineSession session : sessions.values()) {
                closing.add(CompletableFuture.runAsync(session::closeNow, session.loop()));
            }
            awaitQuietly(closing);
            List<CompletableFuture<?>> drained = new ArrayList<>();
            workerGroup.forEach(loop -> drained.add(CompletableFuture.runAsync(() -> { }, loop)));
            awaitQuietly(drained);
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (cluster != null) {
            cluster.stop();
        }
        shutdownLoops();
    }

    private void shutdownLoops() {
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void awaitQuietly(List<CompletableFuture<?>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("sessions did not all close in time on stop", e);
        }
    }

    NettySessionLoop sessionLoop(io.netty.channel.EventLoop eventLoop) {
        return sessionLoops.computeIfAbsent(eventLoop, NettySessionLoop::new);
    }

    /**
     * The websocket frame decoders' settings, one instance for every connection (Netty's handshaker factory would
     * build one per handshake, kept by each connection's decoder); rebuilt if maxHttpBufferSize changes.
     */
    WebSocketDecoderConfig webSocketDecoderConfig() {
        WebSocketDecoderConfig current = webSocketDecoderConfig;
        if (current == null || current.maxFramePayloadLength() != options.maxHttpBufferSize()) {
            current = WebSocketDecoderConfig.newBuilder().allowExtensions(true)
                    .maxFramePayloadLength(options.maxHttpBufferSize()).build();
            webSocketDecoderConfig = current;
        }
        return current;
    }

    EngineSession newSession(HandshakeRequest request, SessionLoop loop, Transport transport, boolean eio3) {
        EngineSession session = new EngineSession(ids.next(), request, options, loop, transport, removeSession, eio3);
        sessions.put(session.id(), session);
        return session;
    }

    /** Sends the OPEN packet, then lets the layer above take the session. */
    void open(EngineSession session) {
        session.open();
        onConnection.accept(session);
    }
}
