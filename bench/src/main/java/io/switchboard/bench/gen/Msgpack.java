package io.switchboard.bench.gen;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The few MessagePack forms the generator writes and reads for {@code socket.io-msgpack-parser} packets, into Netty
 * buffers and out of plain arrays: no value objects, no msgpack library on the hot path (the generator's cost per
 * message should stay small and comparable to its JSON path, which also scans bytes).
 *
 * <p>Writing follows notepack.io (the parser's codec): integers in their smallest form. Reading walks the
 * structure by position in a copy of the frame ({@link #scratch}), so a key is only ever matched where a key can be,
 * whatever bytes the values hold.
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
     * A per-thread array to copy a received frame into: the reader then walks plain array elements, not a
     * ByteBuf's bounds-checked accessors (a tick is walked several times, that difference is the generator's cost).
     */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    /** This thread's scratch array, at least {@code length} long; its content is the caller's until its next call. */
    static byte[] scratch(int length) {
        byte[] b = SCRATCH.get();
        if (b.length < length) {
            b = new byte[Math.max(length, 2 * b.length)];
            SCRATCH.set(b);
        }
        return b;
    }

    private static int u8(byte[] b, int p) {
        return b[p] & 0xff;
    }

    private static int u16(byte[] b, int p) {
        return (u8(b, p) << 8) | u8(b, p + 1);
    }

    private static long u32(byte[] b, int p) {
        return ((long) u16(b, p) << 16) | u16(b, p + 2);
    }

    private static long i64(byte[] b, int p) {
        return (u32(b, p) << 32) | u32(b, p + 4);
    }

    /**
     * The header of the container, string or binary at {@code p}: {@code (count << 8) | headerLength}, where count is
     * the element count (array), pair count (map) or byte count (str, bin, ext: the ext type byte is in the header).
     * -1 for any other value.
     */
    static long header(byte[] b, int p) {
        int t = u8(b, p);
        if (t >= 0x80 && t <= 0x9f) {
            return ((long) (t & 0x0f) << 8) | 1; // fixmap, fixarray
        }
        if (t >= 0xa0 && t <= 0xbf) {
            return ((long) (t & 0x1f) << 8) | 1;
        }
        return switch (t) {
            case 0xd9, 0xc4 -> ((long) u8(b, p + 1) << 8) | 2;
            case 0xda, 0xc5, 0xdc, 0xde -> ((long) u16(b, p + 1) << 8) | 3;
            case 0xdb, 0xc6, 0xdd, 0xdf -> (u32(b, p + 1) << 8) | 5;
            case 0xd4 -> (1L << 8) | 2;
            case 0xd5 -> (2L << 8) | 2;
            case 0xd6 -> (4L << 8) | 2;
            case 0xd7 -> (8L << 8) | 2;
            case 0xd8 -> (16L << 8) | 2;
            case 0xc7 -> ((long) u8(b, p + 1) << 8) | 3;
            case 0xc8 -> ((long) u16(b, p + 1) << 8) | 4;
            case 0xc9 -> (u32(b, p + 1) << 8) | 6;
            default -> -1;
        };
    }

    static boolean isMap(byte[] b, int p) {
        int t = u8(b, p);
        return (t >= 0x80 && t <= 0x8f) || t == 0xde || t == 0xdf;
    }

    static boolean isArray(byte[] b, int p) {
        int t = u8(b, p);
        return (t >= 0x90 && t <= 0x9f) || t == 0xdc || t == 0xdd;
    }

    /** The position just after the value at {@code p}. */
    static int skip(byte[] b, int p) {
        int t = u8(b, p);
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
    static long readLong(byte[] b, int p) {
        int t = u8(b, p);
        if (t <= 0x7f) {
            return t;
        }
        if (t >= 0xe0) {
            return t - 256;
        }
        return switch (t) {
            case 0xcc -> u8(b, p + 1);
            case 0xcd -> u16(b, p + 1);
            case 0xce -> u32(b, p + 1);
            case 0xcf, 0xd3 -> i64(b, p + 1); // the generator's numbers stay far below 2^63
            case 0xd0 -> b[p + 1];
            case 0xd1 -> (short) u16(b, p + 1);
            case 0xd2 -> (int) u32(b, p + 1);
            case 0xca -> integral(Float.intBitsToFloat((int) u32(b, p + 1)));
            case 0xcb -> integral(Double.longBitsToDouble(i64(b, p + 1)));
            default -> Long.MIN_VALUE;
        };
    }

    private static long integral(double d) {
        return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (long) d : Long.MIN_VALUE;
    }

    /** Whether the value at {@code p} is the string {@code key}. */
    static boolean strEquals(byte[] b, int p, byte[] key) {
        int t = u8(b, p);
        int q;
        int n;
        if (t >= 0xa0 && t <= 0xbf) {
            n = t & 0x1f;
            q = p + 1;
        } else if (t == 0xd9 || t == 0xda || t == 0xdb) {
            long h = header(b, p);
            n = (int) (h >>> 8);
            q = p + (int) (h & 0xff);
        } else {
            return false;
        }
        if (n != key.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[q + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * In an event's or ack's argument array at {@code p}: the position of argument {@code arg} when it is a map, -1
     * when it is not there or not a map.
     */
    static int argMap(byte[] b, int p, int arg) {
        if (!isArray(b, p)) {
            return -1;
        }
        long h = header(b, p);
        if ((h >>> 8) <= arg) {
            return -1;
        }
        int q = p + (int) (h & 0xff);
        for (int i = 0; i < arg; i++) {
            q = skip(b, q);
        }
        return isMap(b, q) ? q : -1;
    }

    /** The integer under {@code key} in the map at {@code p} (-1: none); MIN_VALUE when it is not there. */
    static long mapField(byte[] b, int p, byte[] key) {
        if (p < 0) {
            return Long.MIN_VALUE;
        }
        long m = header(b, p);
        int q = p + (int) (m & 0xff);
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
