package io.switchboard.engine;

import java.util.List;

/**
 * Long-polling for an Engine.IO 3 session: the v3 payload formats ({@link Eio3Codec}). A GET is answered with a
 * binary payload when it carries a binary packet and the client takes binary ({@code b64} absent) and so does the
 * exchange, else with a string payload, binary packets in base64.
 */
final class Eio3PollingTransport extends PollingTransport {
    private final boolean supportsBinary;

    Eio3PollingTransport(boolean supportsBinary) {
        this.supportsBinary = supportsBinary;
    }

    @Override
    List<Packet> decodePayload(String body) throws MalformedPacketException {
        return Eio3Codec.decodePayload(body);
    }

    @Override
    void respond(PollExchange exchange, List<OutboundPacket> packets, boolean withClose) {
        if (supportsBinary && exchange.takesBinary() && Eio3Codec.hasBinary(packets)) {
            exchange.respondBinaryPayload(Eio3Codec.encodeBinaryPayload(packets, withClose));
        } else {
            exchange.respondPayload(Eio3Codec.encodeStringPayload(packets, withClose));
        }
    }
}
