package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.SessionListener;
import io.switchboard.protocol.PacketDecoder;
import io.switchboard.protocol.PacketDecodingException;

/**
 * Raw bytes from a websocket client after the upgrade, through the server's real pipeline: the engine's own
 * websocket codec, or with per-message deflate (when the first input byte is odd) Netty's frame decoder, inflater and
 * aggregator in front of the engine's frame handler; then Engine.IO packet decoding, and on top the Socket.IO decoder
 * the core gives each connection. Allowed outcomes: the frame is refused with a close code (Netty's as a codec
 * exception; the engine's codec throws nothing), the engine closes the session with "parse error", or the Socket.IO
 * decoder throws {@link PacketDecodingException}. Anything else the websocket's handler throws, anything reaching the
 * end of the pipeline, or a message larger than maxHttpBufferSize (Engine.IO's maxPayload, also the bound on what an
 * inflated frame may grow to) is a finding.
 */
class WebSocketFrameFuzzTest {
    private static final String UPGRADE = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    /** Small, so that a fuzz input of a few KB can try to exceed it (deflate inflates up to ~1000 times). */
    private static final int MAX_MESSAGE = 16 * 1024;

    @FuzzTest
    void clientBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean deflate = (input[0] & 1) == 1;
        List<EngineSession> opened = new ArrayList<>();
        EngineServer server = new EngineServer(new EngineOptions().perMessageDeflate(deflate)
                .maxHttpBufferSize(MAX_MESSAGE), opened::add);
        EngineChannel channel = new EngineChannel(server);
        try {
            channel.receive((UPGRADE + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(channel.drainWritten(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 101 "), reply);
            assertTrue(opened.size() == 1, "no session opened");
            PacketDecoder socketIo = new PacketDecoder();
            opened.get(0).setListener(new SocketIoLayer(socketIo));
            EngineFrames spy = new EngineFrames(channel.pipeline().get("ws-engine"));
            channel.pipeline().replace("ws-engine", "ws-engine", spy);

            channel.receive(Arrays.copyOfRange(input, 1, input.length));
            channel.drainWritten();
            if (spy.unexpected != null) {
                throw new AssertionError("the frame handler threw", spy.unexpected);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** What the core does with a session's messages: the Socket.IO decoder, whose only error is the defined one. */
    private record SocketIoLayer(PacketDecoder decoder) implements SessionListener {
        @Override
        public void onMessage(String text) {
            if (text.length() > MAX_MESSAGE) { // UTF-8 has at least one byte per char
                throw new AssertionError("a text message of " + text.length() + " chars passed the frame limit");
            }
            try {
                decoder.add(text);
            } catch (PacketDecodingException expected) {
                decoder.reset();
            }
        }

        @Override
        public void onBinary(byte[] data) {
            if (data.length > MAX_MESSAGE) {
                throw new AssertionError("a binary message of " + data.length + " bytes passed the frame limit");
            }
            try {
                decoder.add(data);
            } catch (PacketDecodingException expected) {
                decoder.reset();
            }
        }

        @Override
        public void onClose(String reason, String description) {
            decoder.destroy();
        }
    }

    /**
     * Wraps the engine's frame handler: what it throws while reading a frame is a finding (Netty would hand it to
     * the handler's own exceptionCaught, which closes the session as if the frame were corrupt), while the codec
     * exceptions of Netty's decoders in front of it are the defined refusal and pass on to it.
     */
    private static final class EngineFrames extends ChannelInboundHandlerAdapter {
        private final ChannelInboundHandlerAdapter engine;
        Throwable unexpected;

        EngineFrames(ChannelHandler engine) {
            this.engine = (ChannelInboundHandlerAdapter) engine;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                engine.channelRead(ctx, msg);
            } catch (Throwable e) {
                unexpected = e;
                throw e;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            engine.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (!(cause instanceof CodecException) && unexpected == null) {
                unexpected = cause;
            }
            engine.exceptionCaught(ctx, cause);
        }
    }
}
