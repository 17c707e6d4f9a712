package io.switchboard.protocol;

/**
 * Turns the Engine.IO messages of one connection into Socket.IO packets, whatever the {@link Parser}: one per
 * connection, used from one thread at a time.
 */
public interface FrameDecoder {

    /** Takes a text message; returns the packet, or {@code null} while a packet still waits for more frames. */
    Packet add(String text) throws PacketDecodingException;

    /** Takes a binary message; returns the packet, or {@code null} while a packet still waits for more frames. */
    Packet add(byte[] data) throws PacketDecodingException;

    /** Drops anything pending; called when the connection closes. */
    void destroy();
}
