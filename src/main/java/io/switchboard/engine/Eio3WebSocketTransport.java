package io.switchboard.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * The websocket transport of an Engine.IO 3 session. Text frames are those of v4; a binary packet's frame starts
 * with the message type byte, or with {@code b64} goes as a text frame {@code b4<base64>}.
 */
final class Eio3WebSocketTransport extends WebSocketTransport {
    private final boolean supportsBinary;

    Eio3WebSocketTransport(Channel channel, boolean deflate, FlushBatch flushes, boolean supportsBinary) {
        super(channel, deflate, flushes);
        this.supportsBinary = supportsBinary;
    }

    @Override
    Object frame(OutboundPacket packet) {
        if (!packet.isBinary()) {
            return super.frame(packet);
        }
        if (!supportsBinary) {
            return new TextWebSocketFrame(packet.eio3TextForm());
        }
        if (deflate()) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                    Eio3Codec.binaryFrameContent(packet.frameBytes())));
        }
        return packet.eio3WebSocketFrameBuffer();
    }
}
