package io.switchboard.fuzz;

import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.engine.EngineServer;

/**
 * One connection to a real {@link EngineServer} pipeline (the handlers a TCP connection gets), without a socket:
 * bytes go in as the client sent them, what the server writes is collected. Runs on the calling thread.
 */
final class EngineChannel extends EmbeddedChannel {
    private static final MethodHandle CONFIGURE =
            Internals.virtualMethod(EngineServer.class, "configure", void.class, ChannelPipeline.class);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3000);

    EngineChannel(EngineServer server) {
        try {
            CONFIGURE.invoke(server, pipeline());
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build the engine pipeline", e);
        }
    }

    // the engine records the client's address as an InetSocketAddress, as a TCP channel has one
    @Override
    protected SocketAddress remoteAddress0() {
        return CLIENT;
    }

    @Override
    protected SocketAddress localAddress0() {
        return SERVER;
    }

    /** Feeds bytes as they came off the network, and runs what the server scheduled for now. */
    void receive(byte[] bytes) {
        writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(bytes));
        runPendingTasks();
    }

    /** Everything the server wrote so far, as bytes (HTTP responses, websocket frames); each buffer released. */
    byte[] drainWritten() {
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        Object message;
        while ((message = readOutbound()) != null) {
            if (message instanceof ByteBuf buffer) {
                byte[] bytes = new byte[buffer.readableBytes()];
                buffer.getBytes(buffer.readerIndex(), bytes);
                written.writeBytes(bytes);
            }
            ReferenceCountUtil.release(message);
        }
        return written.toByteArray();
    }
}
