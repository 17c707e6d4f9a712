package io.switchboard.engine;

import java.util.List;

/** What a session needs of a transport. Implementations call back into the session on its loop. */
interface Transport {
    EngineOptions.Transport kind();

    /** Whether a batch of packets can be sent now (polling: a GET is waiting; websocket: the socket is open). */
    boolean writable();

    void send(List<OutboundPacket> packets);

    /** Pushes what {@link #send} wrote out now instead of with the loop's batch (websocket); nothing to do else. */
    default void flush() {
    }

    /**
     * Closes the transport after the given last packets: polling answers a waiting GET with them and a CLOSE packet,
     * websocket writes them and then a close frame.
     */
    void close(List<OutboundPacket> lastPackets);

    /** Drops the transport after an upgrade or a client close, releasing a waiting GET with a NOOP. */
    void discard();

    /**
     * Ends the transport at once, without delivering what is still queued: for a peer that does not read, to which
     * nothing (a close frame included) would ever get through.
     */
    default void abort() {
        close(List.of());
    }

    /** Bytes written but not yet taken by the peer (websocket); 0 where the session's queue holds the backlog. */
    default long pendingBytes() {
        return 0;
    }

    /** Whether the peer can take more bytes now; volatile packets are dropped when it cannot. */
    default boolean canTakeMore() {
        return true;
    }
}
