package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Whether a session can take a volatile packet now: the layer above drops one rather than queue it when not. As the
 * reference server: polling only while a GET waits, websocket only while the channel is writable.
 */
class VolatileDropTest {

    @Test
    void aPollingSessionTakesMoreOnlyWhileAGetIsWaiting() {
        SessionFixture f = SessionFixture.polling();
        assertFalse(f.session.canTakeMore(), "the handshake GET was answered and no other waits");

        FakePollExchange get = f.get();
        assertTrue(f.session.canTakeMore(), "a GET waits");

        f.session.send(OutboundPacket.message("hello"));
        assertTrue(get.payload.startsWith("4hello"), get.payload);
        assertFalse(f.session.canTakeMore(), "the GET was answered");
    }

    @Test
    void aClosedPollingSessionTakesNothing() {
        SessionFixture f = SessionFixture.polling();
        f.get();
        f.session.close();
        assertFalse(f.session.canTakeMore());
    }

    @Test
    void aWebSocketTakesMoreOnlyWhileItsChannelIsWritable() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        WebSocketTransport transport = new WebSocketTransport(channel, false, new FlushBatch(channel.eventLoop()));
        assertTrue(transport.canTakeMore());

        // bytes the peer has not taken yet, past the high water mark
        channel.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(channel.isWritable());
        assertFalse(transport.canTakeMore());

        channel.flush();
        ByteBuf written = channel.readOutbound();
        written.release();
        assertTrue(transport.canTakeMore(), "writable again once the peer took the bytes");
        channel.finishAndReleaseAll();
    }
}
