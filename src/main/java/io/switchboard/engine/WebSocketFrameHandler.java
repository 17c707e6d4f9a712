package io.switchboard.engine;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;

/** Turns websocket messages into Engine.IO packets for one session, on the session's loop. */
class WebSocketFrameHandler extends WebSocketMessageHandler {
    private final EngineSession session;
    private final WebSocketTransport transport;

    WebSocketFrameHandler(EngineSession session, WebSocketTransport transport) {
        this.session = session;
        this.transport = transport;
    }

    @Override
    void message(ChannelHandlerContext ctx, boolean binary, ByteBuf content) {
        Packet packet;
        try {
            packet = binary ? decodeBinary(ByteBufUtil.getBytes(content))
                    : decodeText(content.toString(StandardCharsets.UTF_8));
        } catch (MalformedPacketException e) {
            onLoop(() -> session.onParseError(transport, e.getMessage()));
            return;
        }
        onLoop(() -> session.onPacket(transport, packet));
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
    void closed() {
        onLoop(() -> session.onTransportClose(transport));
    }

    @Override
    void failed(String reason) {
        onLoop(() -> session.onTransportError(transport, reason));
    }

    private void onLoop(Runnable task) {
        session.inbound(task);
    }
}
