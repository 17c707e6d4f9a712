package io.switchboard.engine;

/**
 * One decoded Engine.IO packet coming from a client. Binary packets are always MESSAGE packets and carry
 * {@code binary}; every other packet carries its (possibly empty) text.
 */
public record Packet(PacketType type, String text, byte[] binary) {

    public static Packet text(PacketType type, String text) {
        return new Packet(type, text, null);
    }

    public static Packet binary(byte[] data) {
        return new Packet(PacketType.MESSAGE, null, data);
    }

    public boolean isBinary() {
        return binary != null;
    }
}
