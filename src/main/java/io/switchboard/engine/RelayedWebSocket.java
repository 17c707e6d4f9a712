package io.switchboard.engine;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * On the relay, a client's websocket for a session of another node: every frame goes to the owner as it is, and
 * what the owner sends comes back as frames. Nothing is parsed here; the owner's session decides everything.
 */
final class RelayedWebSocket extends WebSocketMessageHandler {
    private final ClusterEngine cluster;
    private final Channel channel;
    private final String owner;
    private final long id;
    private final String sid;
    /** The owner closed it (or is gone): nothing to tell it when the channel goes. */
    private volatile boolean ownerDone;

    RelayedWebSocket(ClusterEngine cluster, Channel channel, String owner, long id, String sid) {
        this.cluster = cluster;
        this.channel = channel;
        this.owner = owner;
        this.id = id;
        this.sid = sid;
    }

    String owner() {
        return owner;
    }

    long id() {
        return id;
    }

    String sid() {
        return sid;
    }

    @Override
    void message(ChannelHandlerContext ctx, boolean binary, ByteBuf content) {
        ClusterMessage.Frame frame = new ClusterMessage.Frame(binary, ByteBufUtil.getBytes(content));
        cluster.sendFromBridge(this, cluster.bridgeMessage(ClusterMessage.Type.WS_IN, this, List.of(frame)));
    }

    @Override
    void closed() {
        cluster.relayClosed(this, !ownerDone);
    }

    @Override
    void failed(String reason) {
        // the channel closes: closed() tells the owner
    }

    /** Frames from the owner, written in the order they came; {@code last}: then the close frame. */
    void fromOwner(List<ClusterMessage.Frame> frames, boolean last) {
        if (last) {
            ownerDone = true;
        }
        channel.eventLoop().execute(() -> {
            for (ClusterMessage.Frame frame : frames) {
                channel.write(frame.binary() ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes()))
                        : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.bytes())), channel.voidPromise());
            }
            if (last) {
                channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
            } else {
                channel.flush();
            }
        });
    }

    /** The owner is gone or unreachable: the client sees its websocket drop, as when a node dies. */
    void closeAbruptly() {
        ownerDone = true;
        channel.close();
    }
}
