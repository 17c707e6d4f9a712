package io.switchboard.engine;

/** A client sent something that is not an Engine.IO packet; the session is closed with "parse error". */
public final class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
