package io.switchboard.engine;

/** Builds complete, unmasked, unfragmented websocket frames (RFC 6455 section 5.2), as a server sends them. */
final class WebSocketFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final int FIN = 0x80;

    private WebSocketFrames() {
    }

    static byte[] frame(boolean binary, byte[] payload) {
        return frame(binary ? BINARY : TEXT, true, payload);
    }

    /** A frame of any opcode; {@code fin} false for a fragment that more will follow. */
    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        byte[] frame = withHeader(opcode, fin, payload.length);
        System.arraycopy(payload, 0, frame, frame.length - payload.length, payload.length);
        return frame;
    }

    /** A text frame of one ASCII character and then the UTF-8 bytes: the Engine.IO type digit and the packet. */
    static byte[] textFrame(char first, byte[] rest) {
        byte[] frame = withHeader(TEXT, true, 1 + rest.length);
        int at = frame.length - rest.length;
        frame[at - 1] = (byte) first;
        System.arraycopy(rest, 0, frame, at, rest.length);
        return frame;
    }

    /** Only the header of a frame with this payload length, for a payload that is already in a buffer. */
    static byte[] header(int opcode, boolean fin, int length) {
        byte[] header = new byte[headerLength(length)];
        writeHeader(header, opcode, fin, length);
        return header;
    }

    /** A frame of this payload length with its header written and the payload left for the caller. */
    private static byte[] withHeader(int opcode, boolean fin, int length) {
        byte[] frame = new byte[headerLength(length) + length];
        writeHeader(frame, opcode, fin, length);
        return frame;
    }

    private static int headerLength(int length) {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    private static void writeHeader(byte[] frame, int opcode, boolean fin, int length) {
        frame[0] = (byte) ((fin ? FIN : 0) | opcode);
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            long value = length;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (value >>> (56 - 8 * i));
            }
        }
    }
}
