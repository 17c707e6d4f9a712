package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Point 5: one websocket frame per packet, text for text packets and binary for binary ones. */
class WebSocketTest {
    private TestServer server;
    private WsClient ws;
    private String sid;

    @BeforeEach
    void open() throws Exception {
        server = TestServer.start();
        ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"));
        sid = TestServer.Handshake.parse(ws.nextText()).sid();
    }

    @AfterEach
    void stop() {
        ws.close();
        server.close();
    }

    @Test
    void textPacketsGoAsTextFramesAndBinaryAsBinaryFrames() throws Exception {
        EngineSession session = server.session(sid);

        session.send(OutboundPacket.message("hello"));
        session.send(OutboundPacket.binary(new byte[] {0, 1, 2, (byte) 0xfe}));
        session.send(List.of(OutboundPacket.message("é€😀"), OutboundPacket.binary(new byte[0]),
                OutboundPacket.message("")));

        assertEquals("4hello", ws.nextText());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xfe}, ws.nextBinary());
        assertEquals("4é€😀", ws.nextText());
        assertArrayEquals(new byte[0], ws.nextBinary());
        assertEquals("4", ws.nextText());
    }

    @Test
    void clientTextAndBinaryFramesReachTheListener() throws Exception {
        RecordingListener listener = server.listener(sid);

        ws.sendText("4hello");
        ws.sendBinary(new byte[] {9, 8, 7});
        ws.sendText("4é😀");

        assertEquals("hello", listener.nextMessage());
        assertArrayEquals(new byte[] {9, 8, 7}, listener.nextBinary());
        assertEquals("é😀", listener.nextMessage());
    }

    @Test
    void echoRoundTrip() throws Exception {
        EngineSession session = server.session(sid);
        RecordingListener listener = server.listener(sid);
        ws.sendText("4ping?");
        session.send(OutboundPacket.message(listener.nextMessage() + "!"));
        assertEquals("4ping?!", ws.nextText());
    }

    @Test
    void frameOverMaxPayloadClosesTheSession() throws Exception {
        ws.close();
        server.close();
        server = TestServer.start(TestServer.quietOptions().maxHttpBufferSize(1_000));
        ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"));
        sid = TestServer.Handshake.parse(ws.nextText()).sid();
        RecordingListener listener = server.listener(sid);

        ws.sendText("4" + "x".repeat(2_000));

        int code = ws.awaitClose();
        assertTrue(code == 1009 || code == -1, "close code " + code);
        listener.assertClosed("transport error");
        assertTrue(listener.messages.isEmpty());
    }

    @Test
    void aFrameInTheSameWriteAsTheUpgradeRequestIsRead() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.port)) {
            raw.setSoTimeout(10_000);
            byte[] request = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] frame = WebSocketCodecTest.clientFrame(0x1, true, "4early".getBytes(StandardCharsets.US_ASCII));
            byte[] both = Arrays.copyOf(request, request.length + frame.length);
            System.arraycopy(frame, 0, both, request.length, frame.length);
            raw.getOutputStream().write(both);

            DataInputStream in = new DataInputStream(raw.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
            assertTrue(head.toString().contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
                    head.toString());
            assertEquals(0x81, in.readUnsignedByte());
            byte[] open = new byte[in.readUnsignedByte()];
            in.readFully(open);
            String openSid = TestServer.Handshake.parse(new String(open, StandardCharsets.UTF_8)).sid();
            assertEquals("early", server.listener(openSid).nextMessage());
        }
    }

    @Test
    void clientDroppingTheConnectionIsATransportClose() throws Exception {
        RecordingListener listener = server.listener(sid);
        ws.close();
        listener.assertClosed("transport close");
    }
}
