package io.switchboard.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one fuzz input into several parts at 0xFF, a byte that never occurs in UTF-8 text: several frames of a
 * connection, or the fields of a handshake, from a single input whose corpus files stay readable.
 */
final class Frames {
    static final byte SEPARATOR = (byte) 0xFF;

    private Frames() {
    }

    static List<byte[]> split(byte[] input) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == SEPARATOR) {
                byte[] part = new byte[i - start];
                System.arraycopy(input, start, part, 0, part.length);
                parts.add(part);
                start = i + 1;
            }
        }
        return parts;
    }
}
