package io.switchboard.engine;

/** Reads the websocket frames of an Engine.IO 3 session ({@link Eio3Codec}). */
final class Eio3WebSocketFrameHandler extends WebSocketFrameHandler {
    Eio3WebSocketFrameHandler(EngineSession session, WebSocketTransport transport) {
        super(session, transport);
    }

    @Override
    Packet decodeText(String data) throws MalformedPacketException {
        return Eio3Codec.decodePacket(data);
    }

    @Override
    Packet decodeBinary(byte[] data) throws MalformedPacketException {
        return Eio3Codec.decodeBinaryPacket(data);
    }
}
