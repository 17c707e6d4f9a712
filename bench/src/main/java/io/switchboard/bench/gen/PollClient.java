package io.switchboard.bench.gen;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One Engine.IO v4 long-polling client, as a browser without websocket keeps it: one keep-alive connection always
 * holding a GET poll, and a second one for the POSTs, opened when there is something to send and reopened when the
 * server closed it (an idle keep-alive connection may be closed). It sends the Socket.IO CONNECT after the handshake,
 * is ready at the CONNECT reply, answers PING with PONG and polls again after every response. For idle scenarios
 * only: events are not handed to anyone.
 */
final class PollClient {
    /** What the scenario learns of the client; called on its event loop. */
    interface Events {
        void ready(PollClient client);

        /** It failed or the server closed the session; {@code wasReady} tells whether it ever became ready. */
        void closed(PollClient client, boolean wasReady, String why);
    }

    private static final char SEPARATOR = '\u001e';

    private final Bootstrap template;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String host;
    private final Events events;
    private Channel poll;
    private Channel post;
    private String sid;
    private boolean ready;
    private boolean closed;
    /** Packets waiting for the POST connection, separated as Engine.IO v4 separates them. */
    private final StringBuilder outgoing = new StringBuilder();
    /** The body of the POST in flight, sent again if its connection goes before the answer; null when none. */
    private String inFlight;

    PollClient(Bootstrap template, InetSocketAddress remote, InetSocketAddress local, Events events) {
        this.template = template;
        this.remote = remote;
        this.local = local;
        this.host = remote.getAddress().getHostAddress() + ":" + remote.getPort();
        this.events = events;
    }

    boolean isReady() {
        return ready && !closed;
    }

    void start() {
        template.clone().handler(initializer(new PollHandler())).connect(remote, local).addListener(f -> {
            if (!f.isSuccess()) {
                close("connect: " + f.cause());
                return;
            }
            poll = ((io.netty.channel.ChannelFuture) f).channel();
            poll.writeAndFlush(request(HttpMethod.GET, null));
            poll.eventLoop().schedule(() -> {
                if (!ready) {
                    close("handshake timeout");
                }
            }, 15, TimeUnit.SECONDS);
        });
    }

    void shutdown() {
        closed = true;
        if (poll != null) {
            poll.close();
        }
        if (post != null) {
            post.close();
        }
    }

    private static ChannelInitializer<Channel> initializer(SimpleChannelInboundHandler<FullHttpResponse> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), handler);
            }
        };
    }

    private FullHttpRequest request(HttpMethod method, String body) {
        String uri = "/socket.io/?EIO=4&transport=polling" + (sid == null ? "" : "&sid=" + sid);
        FullHttpRequest request = body == null
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri)
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.HOST, host);
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8");
            request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        }
        return request;
    }

    /** The GET connection: every response is a payload of packets, and the next poll leaves at once. */
    private final class PollHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.status().code() != 200) {
                close("poll answered " + response.status());
                return;
            }
            for (String packet : response.content().toString(StandardCharsets.UTF_8).split(String.valueOf(SEPARATOR))) {
                onPacket(packet);
            }
            if (!closed) {
                ctx.writeAndFlush(request(HttpMethod.GET, null));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close("poll connection closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close("poll: " + cause);
        }
    }

    private void onPacket(String packet) {
        if (packet.isEmpty()) {
            return;
        }
        switch (packet.charAt(0)) {
            case '0' -> {
                int at = packet.indexOf("\"sid\":\"");
                sid = packet.substring(at + 7, packet.indexOf('"', at + 7));
                send("40");
            }
            case '2' -> send("3");
            case '1' -> close("closed by the server");
            case '4' -> {
                if (packet.startsWith("40") && !ready) {
                    ready = true;
                    events.ready(this);
                } else if (packet.startsWith("44")) {
                    close("connect_error " + packet);
                }
            }
            default -> { }
        }
    }

    /** Queues a packet for the POST connection; on the poll connection's loop. */
    private void send(String packet) {
        if (outgoing.length() > 0) {
            outgoing.append(SEPARATOR);
        }
        outgoing.append(packet);
        flushPosts();
    }

    private void flushPosts() {
        if (inFlight != null || outgoing.length() == 0 || closed) {
            return;
        }
        inFlight = outgoing.toString();
        outgoing.setLength(0);
        if (post == null || !post.isActive()) {
            // on the poll connection's loop, so that this client's state stays on one thread
            template.clone(poll.eventLoop()).handler(initializer(new PostHandler()))
                    .connect(remote, local).addListener(f -> {
                        if (!f.isSuccess()) {
                            close("post connect: " + f.cause());
                            return;
                        }
                        post = ((io.netty.channel.ChannelFuture) f).channel();
                        writePost();
                    });
        } else {
            writePost();
        }
    }

    private void writePost() {
        post.writeAndFlush(request(HttpMethod.POST, inFlight));
    }

    /** The POST connection: "ok" lets the next POST go. */
    private final class PostHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.status().code() != 200) {
                close("post answered " + response.status());
                return;
            }
            inFlight = null;
            flushPosts();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // a keep-alive connection the server closed: the next POST opens another, and one that was in flight
            // goes again first
            if (inFlight != null) {
                outgoing.insert(0, inFlight + (outgoing.length() > 0 ? String.valueOf(SEPARATOR) : ""));
                inFlight = null;
                flushPosts();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private void close(String why) {
        if (closed) {
            return;
        }
        boolean wasReady = ready;
        shutdown();
        events.closed(this, wasReady, why);
    }
}
