package io.switchboard.engine;

/** Engine.IO v4 packet types; the wire form is the digit. */
public enum PacketType {
    OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

    private static final PacketType[] BY_CODE = values();

    public char code() {
        return (char) ('0' + ordinal());
    }

    /** @return the type for a wire digit, or null when the character is not one */
    public static PacketType of(char c) {
        int i = c - '0';
        return i >= 0 && i < BY_CODE.length ? BY_CODE[i] : null;
    }
}
