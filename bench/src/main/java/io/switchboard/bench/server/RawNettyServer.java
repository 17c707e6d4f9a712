package io.switchboard.bench.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.switchboard.bench.Args;

/**
 * The baseline: a plain Netty WebSocket server doing the bench handlers' work with no Socket.IO layer, speaking
 * just enough Engine.IO / Socket.IO framing for the generator (OPEN, CONNECT reply, EVENT, ACK; no heartbeat, no
 * polling, no JSON parsing). A broadcast builds one complete WebSocket frame (header and payload) in one buffer
 * and writes a retained duplicate of it to every member, grouped per event loop: the least work a server can do
 * for a fan-out. Same event loop count as Switchboard's default (one per core).
 *
 * <p>{@code --port P [--host 127.0.0.1] [--max-lifetime-s 900]}; prints {@code READY <port>}.
 */
public final class RawNettyServer {
    private static final AtomicLong IDS = new AtomicLong();
    /** The members of room "bench", one list per event loop, each touched only from its own loop. */
    private static final Map<EventLoop, List<Channel>> ROOM = new ConcurrentHashMap<>();
    private static final byte[] TICK_PREFIX = "42[\"tick\",".getBytes(StandardCharsets.US_ASCII);

    private RawNettyServer() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        ServerSupport.boundLifetime(args.integer("max-lifetime-s", 900));
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        MultiThreadIoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        MultiThreadIoEventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/socket.io/")
                .checkStartsWith(true)
                .maxFramePayloadLength(1_000_000)
                .build();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new ServerSupport.GcRoute(), new WebSocketServerProtocolHandler(ws),
                                new EngineHandler());
                    }
                });
        Channel server = bootstrap.bind(args.str("host", "127.0.0.1"), args.integer("port", 3000)).sync().channel();
        int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        System.out.println("READY " + port);
        System.out.flush();
    }

    /** Engine.IO and Socket.IO, as little of them as the generator needs. */
    static final class EngineHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private boolean joined;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                send(ctx, "0{\"sid\":\"e" + IDS.incrementAndGet() + "\",\"upgrades\":[],\"pingInterval\":25000,"
                        + "\"pingTimeout\":20000,\"maxPayload\":1000000}");
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.text();
            if (text.equals("40")) {
                send(ctx, "40{\"sid\":\"s" + IDS.incrementAndGet() + "\"}");
                return;
            }
            if (!text.startsWith("42")) {
                return; // pong and the rest
            }
            int i = 2;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            String ackId = text.substring(2, i);
            // text at i: ["name", args...]
            int nameEnd = text.indexOf('"', i + 2);
            String name = text.substring(i + 2, nameEnd);
            String argsTail = text.substring(nameEnd + 1); // ",arg,...]" or "]"
            String args = argsTail.startsWith(",") ? argsTail.substring(1) : argsTail; // "arg,...]" or "]"
            switch (name) {
                case "join" -> {
                    if (!joined) {
                        joined = true;
                        ROOM.computeIfAbsent(ctx.channel().eventLoop(), l -> new ArrayList<>()).add(ctx.channel());
                    }
                    if (!ackId.isEmpty()) {
                        send(ctx, "43" + ackId + "[]");
                    }
                }
                case "echo" -> send(ctx, "43" + ackId + "[" + args);
                case "bcast" -> broadcast(ctx.alloc(), frame.content(), text.length() - args.length(),
                        args.length());
                default -> { }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (joined) {
                List<Channel> members = ROOM.get(ctx.channel().eventLoop());
                if (members != null) {
                    members.remove(ctx.channel());
                }
            }
            super.channelInactive(ctx);
        }

        private static void send(ChannelHandlerContext ctx, String text) {
            ctx.writeAndFlush(new TextWebSocketFrame(text));
        }

        /**
         * One frame for everyone: {@code 42["tick",} and the sender's arguments, framed once (server frames are
         * not masked), then a retained duplicate per member. The arguments are ASCII here, so character offsets
         * are byte offsets.
         */
        private static void broadcast(ByteBufAllocator alloc, ByteBuf in, int argsOffset, int argsLength) {
            int payload = TICK_PREFIX.length + argsLength;
            ByteBuf frame = alloc.directBuffer(payload + 4);
            frame.writeByte(0x81);
            if (payload < 126) {
                frame.writeByte(payload);
            } else if (payload < 65536) {
                frame.writeByte(126).writeShort(payload);
            } else {
                frame.writeByte(127).writeLong(payload);
            }
            frame.writeBytes(TICK_PREFIX).writeBytes(in, in.readerIndex() + argsOffset, argsLength);
            try {
                for (Map.Entry<EventLoop, List<Channel>> entry : ROOM.entrySet()) {
                    EventLoop loop = entry.getKey();
                    List<Channel> members = entry.getValue();
                    if (loop.inEventLoop()) {
                        writeAll(members, frame);
                    } else {
                        frame.retain();
                        loop.execute(() -> {
                            try {
                                writeAll(members, frame);
                            } finally {
                                frame.release();
                            }
                        });
                    }
                }
            } finally {
                frame.release();
            }
        }

        private static void writeAll(List<Channel> members, ByteBuf frame) {
            for (int i = 0, n = members.size(); i < n; i++) {
                Channel ch = members.get(i);
                // a ByteBuf passes the WebSocket encoder untouched: the frame is already complete
                ch.writeAndFlush(frame.retainedDuplicate(), ch.voidPromise());
            }
        }
    }
}
