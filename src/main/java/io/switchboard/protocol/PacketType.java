package io.switchboard.protocol;

/** Socket.IO packet types; the ordinal-independent {@link #code()} is the digit that starts every encoded packet. */
public enum PacketType {
    CONNECT(0),
    DISCONNECT(1),
    EVENT(2),
    ACK(3),
    CONNECT_ERROR(4),
    BINARY_EVENT(5),
    BINARY_ACK(6);

    private static final PacketType[] BY_CODE = values();

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    /** The wire digit, 0 to 6. */
    public int code() {
        return code;
    }

    /** The type for a wire digit, or {@code null} when the code is not a Socket.IO packet type. */
    public static PacketType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** True for the two types whose text part announces binary attachments ({@code 5} and {@code 6}). */
    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }

    /** True for the types that may carry binary data: the encoder picks the binary variant from the content. */
    boolean canCarryBinary() {
        return this == EVENT || this == ACK || isBinary();
    }

    /** EVENT and BINARY_EVENT map to BINARY_EVENT, ACK and BINARY_ACK to BINARY_ACK. */
    PacketType binaryVariant() {
        return switch (this) {
            case EVENT, BINARY_EVENT -> BINARY_EVENT;
            case ACK, BINARY_ACK -> BINARY_ACK;
            default -> throw new IllegalStateException(this + " has no binary variant");
        };
    }

    /** BINARY_EVENT maps to EVENT, BINARY_ACK to ACK, anything else to itself. */
    PacketType plainVariant() {
        return switch (this) {
            case BINARY_EVENT -> EVENT;
            case BINARY_ACK -> ACK;
            default -> this;
        };
    }
}
