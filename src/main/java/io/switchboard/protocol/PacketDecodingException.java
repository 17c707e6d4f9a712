package io.switchboard.protocol;

/**
 * The peer sent something that is not a valid Socket.IO packet (or a packet sequence that breaks the binary
 * attachment protocol). The only exception the decoder throws for bad input: the caller closes the connection.
 *
 * <p>Stack traces are not filled in: a hostile client can trigger this at will, and the message says it all.
 */
public final class PacketDecodingException extends Exception {

    private static final long serialVersionUID = 1L;

    public PacketDecodingException(String message) {
        super(message, null, false, false);
    }

    public PacketDecodingException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
