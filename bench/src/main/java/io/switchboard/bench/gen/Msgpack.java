package io.switchboard.bench.gen;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * The few MessagePack forms the generator writes and reads for {@code socket.io-msgpack-parser} packets, in place
 * in Netty buffers: no value objects, no msgpack library on the hot path (the generator's cost per message should
 * stay small and comparable to its JSON path, which also scans bytes).
 *
 * <p>Writing follows notepack.io (the parser's codec): integers in their smallest form. Reading walks the
 * structure by position, so a key is only ever matched where a key can be, whatever bytes the values hold.
 */
final class Msgpack {
    static final byte[] TYPE = ascii("type");
    static final byte[] DATA = ascii("data");
    static final byte[] NSP = ascii("nsp");
    static final byte[] ID = ascii("id");

    private Msgpack() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ writing

    static void writeMapHeader(ByteBuf out, int size) {
        if (size < 16) {
            out.writeByte(0x80 | size);
        } else {
            out.writeByte(0xde).writeShort(size);
        }
    }

    static void writeArrayHeader(ByteBuf out, int size) {
        if (size < 16) {
            out.writeByte(0x90 | size);
        } else {
            out.writeByte(0xdc).writeShort(size);
        }
    }

    /** An ASCII string (the generator sends nothing else). */
    static void writeStr(ByteBuf out, byte[] ascii) {
        int n = ascii.length;
        if (n < 32) {
            out.writeByte(0xa0 | n);
        } else if (n < 256) {
            out.writeByte(0xd9).writeByte(n);
        } else if (n < 65536) {
            out.writeByte(0xda).writeShort(n);
        } else {
            out.writeByte(0xdb).writeInt(n);
        }
        out.writeBytes(ascii);
    }

    /** A non-negative integer, in the smallest form as notepack.io writes it. */
    static void writeUInt(ByteBuf out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative: " + v);
        }
        if (v < 128) {
            out.writeByte((int) v);
        } else if (v < 256) {
            out.writeByte(0xcc).writeByte((int) v);
        } else if (v < 65536) {
            out.writeByte(0xcd).writeShort((int) v);
        } else if (v < 0x1_0000_0000L) {
            out.writeByte(0xce).writeInt((int) v);
        } else {
            out.writeByte(0xcf).writeLong(v);
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * The header of the container, string or binary at {@code p}: {@code (count << 8) | headerLength}, where count is
     * the element count (array), pair count (map) or byte count (str, bin, ext: the ext type byte is in the header).
     * -1 for any other value.
     */
    static long header(ByteBuf b, int p) {
        int t = b.getUnsignedByte(p);
        if (t >= 0x80 && t <= 0x8f) {
            return ((long) (t & 0x0f) << 8) | 1;
        }
        if (t >= 0x90 && t <= 0x9f) {
            return ((long) (t & 0x0f) << 8) | 1;
        }
        if (t >= 0xa0 && t <= 0xbf) {
            return ((long) (t & 0x1f) << 8) | 1;
        }
        return switch (t) {
            case 0xd9, 0xc4 -> ((long) b.getUnsignedByte(p + 1) << 8) | 2;
            case 0xda, 0xc5, 0xdc, 0xde -> ((long) b.getUnsignedShort(p + 1) << 8) | 3;
            case 0xdb, 0xc6, 0xdd, 0xdf -> (b.getUnsignedInt(p + 1) << 8) | 5;
            case 0xd4 -> (1L << 8) | 2;
            case 0xd5 -> (2L << 8) | 2;
            case 0xd6 -> (4L << 8) | 2;
            case 0xd7 -> (8L << 8) | 2;
            case 0xd8 -> (16L << 8) | 2;
            case 0xc7 -> ((long) b.getUnsignedByte(p + 1) << 8) | 3;
            case 0xc8 -> ((long) b.getUnsignedShort(p + 1) << 8) | 4;
            case 0xc9 -> (b.getUnsignedInt(p + 1) << 8) | 6;
            default -> -1;
        };
    }

    static boolean isMap(ByteBuf b, int p) {
        int t = b.getUnsignedByte(p);
        return (t >= 0x80 && t <= 0x8f) || t == 0xde || t == 0xdf;
    }

    static boolean isArray(ByteBuf b, int p) {
        int t = b.getUnsignedByte(p);
        return (t >= 0x90 && t <= 0x9f) || t == 0xdc || t == 0xdd;
    }

    /** The position just after the value at {@code p}. */
    static int skip(ByteBuf b, int p) {
        int t = b.getUnsignedByte(p);
        if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
            return p + 1;
        }
        switch (t) {
            case 0xcc, 0xd0 -> {
                return p + 2;
            }
            case 0xcd, 0xd1 -> {
                return p + 3;
            }
            case 0xce, 0xd2, 0xca -> {
                return p + 5;
            }
            case 0xcf, 0xd3, 0xcb -> {
                return p + 9;
            }
            default -> { }
        }
        long h = header(b, p);
        if (h < 0) {
            throw new IllegalArgumentException("msgpack: unknown type byte 0x" + Integer.toHexString(t));
        }
        long count = h >>> 8;
        int q = p + (int) (h & 0xff);
        if (isArray(b, p)) {
            for (long i = 0; i < count; i++) {
                q = skip(b, q);
            }
            return q;
        }
        if (isMap(b, p)) {
            for (long i = 0; i < 2 * count; i++) {
                q = skip(b, q);
            }
            return q;
        }
        return Math.addExact(q, (int) count); // str, bin, ext: the bytes follow the header
    }

    /** The integral number at {@code p} (any integer form, or a float holding an integer); MIN_VALUE otherwise. */
    static long readLong(ByteBuf b, int p) {
        int t = b.getUnsignedByte(p);
        if (t <= 0x7f) {
            return t;
        }
        if (t >= 0xe0) {
            return t - 256;
        }
        return switch (t) {
            case 0xcc -> b.getUnsignedByte(p + 1);
            case 0xcd -> b.getUnsignedShort(p + 1);
            case 0xce -> b.getUnsignedInt(p + 1);
            case 0xcf -> b.getLong(p + 1); // the generator's numbers stay far below 2^63
            case 0xd0 -> b.getByte(p + 1);
            case 0xd1 -> b.getShort(p + 1);
            case 0xd2 -> b.getInt(p + 1);
            case 0xd3 -> b.getLong(p + 1);
            case 0xca -> integral(b.getFloat(p + 1));
            case 0xcb -> integral(b.getDouble(p + 1));
            default -> Long.MIN_VALUE;
        };
    }

    private static long integral(double d) {
        return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (long) d : Long.MIN_VALUE;
    }

    /** Whether the value at {@code p} is the string {@code key}. */
    static boolean strEquals(ByteBuf b, int p, byte[] key) {
        int t = b.getUnsignedByte(p);
        if (!((t >= 0xa0 && t <= 0xbf) || t == 0xd9 || t == 0xda || t == 0xdb)) {
            return false;
        }
        long h = header(b, p);
        if ((h >>> 8) != key.length) {
            return false;
        }
        int q = p + (int) (h & 0xff);
        for (int i = 0; i < key.length; i++) {
            if (b.getByte(q + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * In an event's or ack's argument array at {@code p}: the integer under {@code key} in argument {@code arg},
     * which must be a map; MIN_VALUE when any of it is not there.
     */
    static long argField(ByteBuf b, int p, int arg, byte[] key) {
        if (!isArray(b, p)) {
            return Long.MIN_VALUE;
        }
        long h = header(b, p);
        if ((h >>> 8) <= arg) {
            return Long.MIN_VALUE;
        }
        int q = p + (int) (h & 0xff);
        for (int i = 0; i < arg; i++) {
            q = skip(b, q);
        }
        if (!isMap(b, q)) {
            return Long.MIN_VALUE;
        }
        long m = header(b, q);
        q += (int) (m & 0xff);
        for (long i = 0; i < (m >>> 8); i++) {
            boolean match = strEquals(b, q, key);
            q = skip(b, q);
            if (match) {
                return readLong(b, q);
            }
            q = skip(b, q);
        }
        return Long.MIN_VALUE;
    }
}
