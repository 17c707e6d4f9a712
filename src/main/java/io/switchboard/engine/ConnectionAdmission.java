package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * The door of the node: counts every TCP connection from accept to close, asks the {@link ConnectionGate} (per
 * address limits), and applies {@code maxConnections} with its reserved headroom. A refused connection is closed
 * before anything of it is read. Check and count are one step, so concurrent accepts cannot overshoot.
 */
final class ConnectionAdmission {
    enum Verdict { SERVE, RESERVED, REFUSED }

    private final EngineOptions options;
    private final AtomicInteger open = new AtomicInteger();
    /** One listener for every connection (not one capturing lambda each): the channel keeps its remote address. */
    private final ChannelFutureListener onClose;

    ConnectionAdmission(EngineOptions options) {
        this.options = options;
        this.onClose = closed -> {
            open.decrementAndGet();
            options.connectionGate().release((InetSocketAddress) closed.channel().remoteAddress());
        };
    }

    /** TCP connections open now, refused ones not counted once closed. */
    int open() {
        return open.get();
    }

    Verdict admit(Channel channel) {
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        ConnectionGate gate = options.connectionGate();
        String refusal = gate.acquire(remote);
        if (refusal != null) {
            refuse(channel, refusal);
            return Verdict.REFUSED;
        }
        int count = open.incrementAndGet();
        channel.closeFuture().addListener(onClose);
        int max = options.maxConnections();
        if (max == 0 || count <= max) {
            return Verdict.SERVE;
        }
        if (count <= max + options.reservedConnections()) {
            return Verdict.RESERVED;
        }
        refuse(channel, ConnectionRefusal.CONNECTION_LIMIT);
        return Verdict.REFUSED;
    }

    private void refuse(Channel channel, String reason) {
        options.observer().connectionRefused(reason);
        channel.close();
    }
}
