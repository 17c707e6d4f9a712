package io.switchboard.engine;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Turns websocket frames into Engine.IO packets for one session, on the session's loop. */
class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final EngineSession session;
    private final WebSocketTransport transport;

    WebSocketFrameHandler(EngineSession session, WebSocketTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            String data = text.text();
            Packet packet;
            try {
                packet = decodeText(data);
            } catch (MalformedPacketException e) {
                onLoop(() -> session.onParseError(transport, e.getMessage()));
                return;
            }
            onLoop(() -> session.onPacket(transport, packet));
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            Packet packet;
            try {
                packet = decodeBinary(ByteBufUtil.getBytes(binary.content()));
            } catch (MalformedPacketException e) {
                onLoop(() -> session.onParseError(transport, e.getMessage()));
                return;
            }
            onLoop(() -> session.onPacket(transport, packet));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.close();
        } else if (!(frame instanceof PongWebSocketFrame)) {
            ctx.close();
        }
    }

    /** A text frame's packet; the protocol's format (v4 here). */
    Packet decodeText(String data) throws MalformedPacketException {
        return PacketCodec.decode(data);
    }

    /** A binary frame's packet; in v4 the whole frame is the message's data. */
    Packet decodeBinary(byte[] data) throws MalformedPacketException {
        return Packet.binary(data);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onLoop(() -> session.onTransportClose(transport));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // an oversized or corrupt frame: Netty has already answered with a close code; the session ends with it
        onLoop(() -> session.onTransportError(transport, cause.getMessage()));
        ctx.close();
    }

    private void onLoop(Runnable task) {
        session.inbound(task);
    }
}
