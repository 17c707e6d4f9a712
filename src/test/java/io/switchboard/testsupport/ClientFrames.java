package io.switchboard.testsupport;

import java.io.ByteArrayOutputStream;

/** Websocket frames as a client sends them (RFC 6455 section 5.2): masked, with the length in its shortest form. */
public final class ClientFrames {
    private ClientFrames() {
    }

    /** A frame whose first byte (FIN, reserved bits, opcode) is {@code firstByte}, masked with {@code mask}. */
    public static byte[] masked(int firstByte, byte[] payload, byte[] mask) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }
}
