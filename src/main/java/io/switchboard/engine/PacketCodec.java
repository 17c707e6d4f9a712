package io.switchboard.engine;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Decodes the Engine.IO v4 packet and payload formats (the polling body and websocket frames). */
public final class PacketCodec {
    /** Separates packets in a polling payload. */
    public static final char RECORD_SEPARATOR = '\u001e';

    private PacketCodec() {
    }

    /** Decodes one text packet, as carried by a websocket text frame or one record of a polling payload. */
    public static Packet decode(String data) throws MalformedPacketException {
        if (data.isEmpty()) {
            throw new MalformedPacketException("empty packet");
        }
        char first = data.charAt(0);
        if (first == 'b') {
            try {
                return Packet.binary(Base64.getDecoder().decode(data.substring(1).replace("\n", "").replace("\r", "")));
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

    /** Decodes a polling payload: packets separated by the record separator. */
    public static List<Packet> decodePayload(String payload) throws MalformedPacketException {
        List<Packet> packets = new ArrayList<>(1);
        int start = 0;
        while (true) {
            int end = payload.indexOf(RECORD_SEPARATOR, start);
            packets.add(decode(end < 0 ? payload.substring(start) : payload.substring(start, end)));
            if (end < 0) {
                return packets;
            }
            start = end + 1;
        }
    }
}
