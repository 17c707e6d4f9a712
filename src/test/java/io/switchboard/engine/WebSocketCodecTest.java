package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.testsupport.ClientFrames;

/** The one-handler websocket codec against frames as a client (or an attacker) sends them, without a socket. */
class WebSocketCodecTest {
    private static final int MAX = 1_000;
    private final Recorder messages = new Recorder();
    private final EmbeddedChannel channel = started(messages);

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void maskedTextAndBinaryFramesBecomeMessages() {
        receive(clientFrame(0x1, true, "4héllo".getBytes(StandardCharsets.UTF_8)));
        receive(clientFrame(0x2, true, new byte[] {1, 2, 3, 4, 5}));
        assertEquals(List.of("text:4héllo", "binary:0102030405"), messages.received);
        assertTrue(channel.isActive());
    }

    @Test
    void aFrameSplitAnywhereStillArrivesWhole() {
        byte[] frame = concat(clientFrame(0x1, true, "4".repeat(300).getBytes(StandardCharsets.US_ASCII)),
                clientFrame(0x1, true, "4ab".getBytes(StandardCharsets.US_ASCII)));
        for (byte b : frame) {
            receive(new byte[] {b});
        }
        assertEquals(List.of("text:" + "4".repeat(300), "text:4ab"), messages.received);
    }

    @Test
    void fragmentsJoinIntoOneMessageAndAPingBetweenThemIsAnswered() {
        receive(clientFrame(0x1, false, "4he".getBytes(StandardCharsets.US_ASCII)));
        receive(clientFrame(0x9, true, new byte[] {7, 7}));
        receive(clientFrame(0x0, false, "ll".getBytes(StandardCharsets.US_ASCII)));
        receive(clientFrame(0x0, true, "o".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of("text:4hello"), messages.received);
        assertArrayEquals(new byte[] {(byte) 0x8A, 2, 7, 7}, written());
    }

    @Test
    void aCloseIsAnsweredWithItsCodeAndTheConnectionCloses() {
        receive(clientFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}));
        assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}, written());
        assertFalse(channel.isActive());
        assertTrue(messages.closed);
        assertNull(messages.failure);
    }

    @Test
    void anUnmaskedFrameIsAProtocolError() {
        receive(new byte[] {(byte) 0x81, 2, '4', 'x'});
        assertClosedWith(WebSocketCodec.PROTOCOL_ERROR);
    }

    @Test
    void reservedBitsAndOpcodesAreProtocolErrors() {
        for (byte[] frame : List.of(clientFrame(0x1 | 0x40, true, new byte[] {'4'}), clientFrame(0x3, true, new byte[0]),
                clientFrame(0xB, true, new byte[0]), clientFrame(0x0, true, new byte[] {'x'}),
                clientFrame(0x9, false, new byte[0]))) {
            Recorder recorder = new Recorder();
            EmbeddedChannel one = started(recorder);
            one.writeInbound(Unpooled.wrappedBuffer(frame));
            ByteBuf reply = one.readOutbound();
            assertEquals(WebSocketCodec.PROTOCOL_ERROR, reply.getUnsignedShort(2), ByteBufUtil.hexDump(frame));
            reply.release();
            assertFalse(one.isActive());
            assertTrue(recorder.received.isEmpty());
            one.finishAndReleaseAll();
        }
    }

    @Test
    void aNewMessageInsideAFragmentedOneIsAProtocolError() {
        receive(clientFrame(0x1, false, "4a".getBytes(StandardCharsets.US_ASCII)));
        receive(clientFrame(0x1, true, "4b".getBytes(StandardCharsets.US_ASCII)));
        assertClosedWith(WebSocketCodec.PROTOCOL_ERROR);
    }

    @Test
    void aLengthNotInItsShortestFormIsAProtocolError() {
        receive(new byte[] {(byte) 0x81, (byte) (0x80 | 126), 0, 5, 0, 0, 0, 0, '4', 'a', 'b', 'c', 'd'});
        assertClosedWith(WebSocketCodec.PROTOCOL_ERROR);
    }

    @Test
    void anOversizedFrameIsRefusedFromItsHeaderBeforeItsPayloadArrives() {
        // declares 2^40 bytes and sends none of them: nothing may wait for (or buffer) the payload
        receive(new byte[] {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4});
        assertClosedWith(WebSocketCodec.MESSAGE_TOO_BIG);
    }

    @Test
    void fragmentsTogetherOverTheLimitAreRefused() {
        receive(clientFrame(0x2, false, new byte[600]));
        assertTrue(channel.isActive());
        receive(clientFrame(0x0, true, new byte[600]));
        assertClosedWith(WebSocketCodec.MESSAGE_TOO_BIG);
    }

    @Test
    void aMessageOfExactlyTheLimitPasses() {
        receive(clientFrame(0x2, false, new byte[MAX - 1]));
        receive(clientFrame(0x0, true, new byte[1]));
        assertEquals(1, messages.received.size());
        assertTrue(channel.isActive());
    }

    @Test
    void textThatIsNotUtf8IsRefusedWith1007() {
        receive(clientFrame(0x1, true, new byte[] {'4', (byte) 0xC3, (byte) 0x28}));
        assertClosedWith(WebSocketCodec.INVALID_PAYLOAD);
    }

    @Test
    void inputAfterAViolationIsDropped() {
        receive(concat(new byte[] {(byte) 0x81, 1, '4'}, clientFrame(0x1, true, "4late".getBytes(
                StandardCharsets.US_ASCII))));
        assertClosedWith(WebSocketCodec.PROTOCOL_ERROR);
    }

    @Test
    void prebuiltFramesPassThroughAndNettyFramesAreEncoded() {
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 1, '3'}));
        channel.writeOutbound(new CloseWebSocketFrame());
        assertArrayEquals(new byte[] {(byte) 0x81, 1, '3', (byte) 0x88, 0}, written());
    }

    @Test
    void framesBeforeTheStartAreKeptAndReadAtIt() {
        WebSocketCodec codec = new WebSocketCodec(messages, MAX);
        EmbeddedChannel early = new EmbeddedChannel(codec);
        early.writeInbound(Unpooled.wrappedBuffer(clientFrame(0x1, true, "4first".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(messages.received.isEmpty());
        codec.start(early.pipeline().context(codec));
        assertEquals(List.of("text:4first"), messages.received);
        early.finishAndReleaseAll();
    }

    @Test
    void aSessionClosingTheConnectionFromInsideAMessageEndsTheRead() {
        // the frame handler closes the channel while the codec is still in the same read: the rest is not read
        Recorder closing = new Recorder() {
            @Override
            void message(ChannelHandlerContext ctx, boolean binary, ByteBuf content) {
                super.message(ctx, binary, content);
                ctx.channel().close();
            }
        };
        EmbeddedChannel one = started(closing);
        one.writeInbound(Unpooled.wrappedBuffer(concat(clientFrame(0x1, true, "40".getBytes(StandardCharsets.US_ASCII)),
                clientFrame(0x1, true, "4after".getBytes(StandardCharsets.US_ASCII)))));
        one.checkException();
        assertEquals(List.of("text:40"), closing.received);
        assertTrue(closing.closed);
        one.finishAndReleaseAll();
    }

    @Test
    void theConnectionGoingTellsTheEngine() {
        receive(clientFrame(0x1, false, "4he".getBytes(StandardCharsets.US_ASCII)));
        channel.close();
        assertTrue(messages.closed);
        assertTrue(messages.received.isEmpty());
    }

    private static EmbeddedChannel started(WebSocketMessageHandler messages) {
        WebSocketCodec codec = new WebSocketCodec(messages, MAX);
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        codec.start(channel.pipeline().context(codec));
        return channel;
    }

    private void assertClosedWith(int code) {
        byte[] reply = written();
        assertEquals((byte) 0x88, reply[0], ByteBufUtil.hexDump(reply));
        assertEquals(code, ((reply[2] & 0xFF) << 8) | (reply[3] & 0xFF));
        assertFalse(channel.isActive());
        assertTrue(messages.failure != null);
        assertTrue(messages.received.isEmpty(), messages.received.toString());
    }

    private void receive(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private byte[] written() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            out.writeBytes(ByteBufUtil.getBytes((ByteBuf) message));
            ReferenceCountUtil.release(message);
        }
        return out.toByteArray();
    }

    /** A frame as a client sends it: masked with a mask that changes every byte. */
    static byte[] clientFrame(int opcodeAndBits, boolean fin, byte[] payload) {
        return ClientFrames.masked((fin ? 0x80 : 0) | opcodeAndBits, payload, new byte[] {0x37, (byte) 0xFA, 0x21, 0x3D});
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static class Recorder extends WebSocketMessageHandler {
        final List<String> received = new ArrayList<>();
        boolean closed;
        String failure;

        @Override
        void message(ChannelHandlerContext ctx, boolean binary, ByteBuf content) {
            received.add(binary ? "binary:" + ByteBufUtil.hexDump(content)
                    : "text:" + content.toString(StandardCharsets.UTF_8));
        }

        @Override
        void closed() {
            closed = true;
        }

        @Override
        void failed(String reason) {
            failure = reason;
        }
    }
}
