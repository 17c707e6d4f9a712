package io.switchboard.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The Engine.IO protocol 3 packet and payload formats (socket.io-client 2.x, io.socket:socket.io-client 1.x), which
 * a server speaks only with {@code allowEIO3}:
 * <ul>
 *   <li>a text packet is the type digit and its text, as in v4; a binary packet is {@code b}, the type digit and
 *       base64 in text, or the type byte and the bytes in a binary websocket frame;</li>
 *   <li>a string payload is records {@code <length>:<packet>}, the length counted in UTF-16 code units (what
 *       JavaScript's {@code String.length} says);</li>
 *   <li>a binary payload (XHR2 clients, unless {@code b64=1}) is records of a kind byte (0 text, 1 binary), the
 *       length's decimal digits as byte values, 0xFF, then the packet: UTF-8 of a text packet, or the type byte and
 *       the bytes of a binary one.</li>
 * </ul>
 */
final class Eio3Codec {
    /** A length needs at most 10 digits to reach any size a payload can have; more is an attack or garbage. */
    private static final int MAX_LENGTH_DIGITS = 10;
    private static final byte MESSAGE_TYPE = (byte) PacketType.MESSAGE.ordinal();

    private Eio3Codec() {
    }

    /** One text packet: a websocket text frame, or a record of a string payload. */
    static Packet decodePacket(String data) throws MalformedPacketException {
        if (data.isEmpty()) {
            throw new MalformedPacketException("empty packet");
        }
        char first = data.charAt(0);
        if (first == 'b') {
            if (data.length() < 2 || data.charAt(1) != PacketType.MESSAGE.code()) {
                throw new MalformedPacketException("a base64 packet must be a message");
            }
            try {
                return Packet.binary(Base64.getDecoder().decode(
                        data.substring(2).replace("\n", "").replace("\r", "")));
            } catch (IllegalArgumentException e) {
                throw new MalformedPacketException("invalid base64 in binary packet");
            }
        }
        PacketType type = PacketType.of(first);
        if (type == null) {
            throw new MalformedPacketException("unknown packet type '" + first + "'");
        }
        return Packet.text(type, data.substring(1));
    }

    /** A binary websocket frame: the type byte, then the data. */
    static Packet decodeBinaryPacket(byte[] data) throws MalformedPacketException {
        if (data.length == 0 || data[0] != MESSAGE_TYPE) {
            throw new MalformedPacketException("a binary packet must be a message");
        }
        return Packet.binary(Arrays.copyOfRange(data, 1, data.length));
    }

    /**
     * A polling body. A string payload starts with a length digit, a binary one with its kind byte (0 or 1): the
     * caller hands a binary body in as ISO-8859-1 text (one char per byte), so one entry point reads both.
     */
    static List<Packet> decodePayload(String body) throws MalformedPacketException {
        if (body.isEmpty()) {
            throw new MalformedPacketException("empty payload");
        }
        char first = body.charAt(0);
        return first == 0 || first == 1 ? decodeBinaryPayload(body) : decodeStringPayload(body);
    }

    private static List<Packet> decodeStringPayload(String payload) throws MalformedPacketException {
        List<Packet> packets = new ArrayList<>(1);
        int i = 0;
        int end = payload.length();
        while (i < end) {
            int colon = payload.indexOf(':', i);
            if (colon < 0) {
                throw new MalformedPacketException("payload record without length");
            }
            int length = parseLength(payload, i, colon);
            int start = colon + 1;
            if (length > end - start) {
                throw new MalformedPacketException("payload record longer than the payload");
            }
            if (length > 0) {
                packets.add(decodePacket(payload.substring(start, start + length)));
            }
            i = start + length;
        }
        return packets;
    }

    private static int parseLength(String payload, int from, int to) throws MalformedPacketException {
        if (to == from || to - from > MAX_LENGTH_DIGITS) {
            throw new MalformedPacketException("invalid payload record length");
        }
        long length = 0;
        for (int i = from; i < to; i++) {
            char c = payload.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedPacketException("invalid payload record length");
            }
            length = length * 10 + (c - '0');
        }
        if (length > Integer.MAX_VALUE) {
            throw new MalformedPacketException("invalid payload record length");
        }
        return (int) length;
    }

    /** {@code body}: the bytes as ISO-8859-1 chars. */
    private static List<Packet> decodeBinaryPayload(String body) throws MalformedPacketException {
        List<Packet> packets = new ArrayList<>(2);
        int i = 0;
        int end = body.length();
        while (i < end) {
            char kind = body.charAt(i++);
            if (kind > 1) {
                throw new MalformedPacketException("invalid binary payload record kind");
            }
            long length = 0;
            int digits = 0;
            while (true) {
                if (i >= end) {
                    throw new MalformedPacketException("binary payload record without length");
                }
                char c = body.charAt(i++);
                if (c == 0xFF) {
                    break;
                }
                if (c > 9 || ++digits > MAX_LENGTH_DIGITS) {
                    throw new MalformedPacketException("invalid binary payload record length");
                }
                length = length * 10 + c;
            }
            if (digits == 0 || length > end - i) {
                throw new MalformedPacketException("invalid binary payload record length");
            }
            int start = i;
            i += (int) length;
            byte[] bytes = latin1Bytes(body, start, i);
            packets.add(kind == 0 ? decodePacket(utf8(bytes)) : decodeBinaryPacket(bytes));
        }
        return packets;
    }

    private static byte[] latin1Bytes(String body, int from, int to) throws MalformedPacketException {
        byte[] bytes = new byte[to - from];
        for (int i = from; i < to; i++) {
            char c = body.charAt(i);
            if (c > 0xFF) {
                throw new MalformedPacketException("binary payload sent as text");
            }
            bytes[i - from] = (byte) c;
        }
        return bytes;
    }

    private static String utf8(byte[] bytes) throws MalformedPacketException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException("invalid UTF-8 in binary payload");
        }
    }

    /** Whether a payload of these packets must go as a binary payload to a client that takes one. */
    static boolean hasBinary(List<OutboundPacket> packets) {
        for (int i = 0, n = packets.size(); i < n; i++) {
            if (packets.get(i).isBinary()) {
                return true;
            }
        }
        return false;
    }

    /** The string payload: binary packets in base64. An empty list is {@code 0:}, as the reference writes it. */
    static String encodeStringPayload(List<OutboundPacket> packets, boolean withClose) {
        StringBuilder payload = new StringBuilder();
        for (OutboundPacket packet : packets) {
            appendRecord(payload, packet.eio3TextForm());
        }
        if (withClose) {
            appendRecord(payload, OutboundPacket.CLOSE.pollingForm());
        }
        return payload.length() == 0 ? "0:" : payload.toString();
    }

    private static void appendRecord(StringBuilder payload, String form) {
        payload.append(form.length()).append(':').append(form);
    }

    /** The binary payload, for a client that takes one (XHR2 without {@code b64}). */
    static byte[] encodeBinaryPayload(List<OutboundPacket> packets, boolean withClose) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (OutboundPacket packet : packets) {
            if (packet.isBinary()) {
                byte[] data = packet.frameBytes();
                writeHeader(out, 1, data.length + 1);
                out.write(MESSAGE_TYPE);
                out.write(data, 0, data.length);
            } else {
                writeTextRecord(out, packet.frameBytes());
            }
        }
        if (withClose) {
            writeTextRecord(out, OutboundPacket.CLOSE.frameBytes());
        }
        return out.toByteArray();
    }

    private static void writeTextRecord(ByteArrayOutputStream out, byte[] utf8) {
        writeHeader(out, 0, utf8.length);
        out.write(utf8, 0, utf8.length);
    }

    private static void writeHeader(ByteArrayOutputStream out, int kind, int length) {
        out.write(kind);
        String digits = Integer.toString(length);
        for (int i = 0; i < digits.length(); i++) {
            out.write(digits.charAt(i) - '0');
        }
        out.write(0xFF);
    }

    /** A binary packet's websocket frame content: the message type byte, then the data. */
    static byte[] binaryFrameContent(byte[] data) {
        byte[] content = new byte[data.length + 1];
        content[0] = MESSAGE_TYPE;
        System.arraycopy(data, 0, content, 1, data.length);
        return content;
    }
}
