package io.switchboard.engine;

import static io.switchboard.engine.TestServer.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO 3 sessions on the wire (allowEIO3), side by side with v4 ones: the open packet in a v3 payload, the
 * client's pings answered, the timeout of pingInterval + pingTimeout, the binary payload of XHR2 clients both ways,
 * base64 with {@code b64}, v3 websocket binary frames, and the upgrade.
 */
class Eio3SessionTest {
    /** The heartbeat test's own server: a v3 session lives pingInterval + pingTimeout (2.5 s) after its last ping. */
    private static final long INTERVAL = 500;
    private static final long TIMEOUT = 2_000;

    /** With a heartbeat slow enough never to close a session of the other tests on a loaded machine. */
    private TestServer server;
    private TestServer heartbeatServer;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.quietOptions().allowEIO3(true));
    }

    @AfterEach
    void stop() {
        server.close();
        if (heartbeatServer != null) {
            heartbeatServer.close();
        }
    }

    /** The sid of a new v3 polling session, after checking its open packet. */
    private String handshake(String extraQuery) throws Exception {
        return handshake(server, extraQuery);
    }

    private static String handshake(TestServer server, String extraQuery) throws Exception {
        HttpResponse<String> response = server.get("EIO=3&transport=polling" + extraQuery);
        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        int colon = body.indexOf(':');
        String packet = body.substring(colon + 1);
        assertEquals(packet.length(), Integer.parseInt(body.substring(0, colon)), "one record, its length first");
        assertTrue(packet.startsWith("0{"), body);
        JsonNode open = JSON.readTree(packet.substring(1));
        assertEquals(server.server.options().pingInterval(), open.get("pingInterval").asLong());
        assertEquals(server.server.options().pingTimeout(), open.get("pingTimeout").asLong());
        assertEquals(List.of("websocket"), List.of(open.get("upgrades").get(0).asText()));
        return open.get("sid").asText();
    }

    private static String query(String sid, String extra) {
        return "EIO=3&transport=polling&sid=" + sid + extra;
    }

    @Test
    void theClientPingsAndTheServerAnswersUntilItStops() throws Exception {
        heartbeatServer = TestServer.start(new EngineOptions().pingInterval(INTERVAL).pingTimeout(TIMEOUT)
                .allowEIO3(true));
        TestServer server = heartbeatServer;
        String sid = handshake(server, "");
        RecordingListener listener = server.listener(sid);
        long lastPing = 0;
        for (int i = 0; i < 3; i++) {
            lastPing = System.nanoTime();   // before the server can have read it: the timeout counts from later
            assertEquals("ok", server.post(query(sid, ""), "1:2").body());
            assertEquals("1:3", server.get(query(sid, "")).body(), "the pong, in a v3 payload");
        }
        RecordingListener.Close close = listener.assertClosed("ping timeout");
        long after = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(close.atNanos() - lastPing);
        assertTrue(after >= INTERVAL + TIMEOUT - 50, "closed " + after + " ms after the last ping");
    }

    @Test
    void aPongFromAVersion3ClientIsAHeartbeatInTheWrongDirection() throws Exception {
        String sid = handshake("");
        server.post(query(sid, ""), "1:3");
        RecordingListener.Close close = server.listener(sid).assertClosed("transport error");
        assertEquals("invalid heartbeat direction", close.description());
    }

    @Test
    void binaryGoesAsABinaryPayloadToXhr2ClientsAndAsBase64WithB64() throws Exception {
        String sid = handshake("");
        server.session(sid).send(List.of(OutboundPacket.message("51-[\"b\",{\"_placeholder\":true,\"num\":0}]"),
                OutboundPacket.binary(new byte[] {1, 2, 3})));
        HttpResponse<byte[]> binary = TestServer.HTTP.send(server.request(query(sid, "")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("application/octet-stream", binary.headers().firstValue("content-type").orElse(null));
        byte[] text = "451-[\"b\",{\"_placeholder\":true,\"num\":0}]".getBytes(StandardCharsets.UTF_8);
        assertEquals(39, text.length);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0, 3, 9, (byte) 0xFF});   // a text record of 39 bytes
        expected.writeBytes(text);
        expected.writeBytes(new byte[] {1, 4, (byte) 0xFF, 4, 1, 2, 3});   // a binary record: type byte and data
        assertArrayEquals(expected.toByteArray(), binary.body());

        String base64 = handshake("&b64=1");
        server.session(base64).send(OutboundPacket.binary(new byte[] {1, 2, 3}));
        HttpResponse<String> text64 = server.get(query(base64, "&b64=1"));
        assertEquals("6:b4AQID", text64.body());
        assertTrue(text64.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    }

    @Test
    void aBinaryPayloadFromTheClientIsRead() throws Exception {
        String sid = handshake("");
        byte[] payload = Eio3Codec.encodeBinaryPayload(List.of(OutboundPacket.message("h\u00e9"),
                OutboundPacket.binary(new byte[] {9, 0, (byte) 0xFF})), false);
        HttpResponse<String> response = server.send(server.request(query(sid, ""), "Content-Type",
                "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build());
        assertEquals("ok", response.body());
        RecordingListener listener = server.listener(sid);
        assertEquals("h\u00e9", listener.nextMessage());
        assertArrayEquals(new byte[] {9, 0, (byte) 0xFF}, listener.nextBinary());
    }

    @Test
    void aBodyOverMaxHttpBufferSizeIsRefusedAsForVersion4() throws Exception {
        String sid = handshake("");
        byte[] big = new byte[1_000_001];
        HttpResponse<String> response = server.send(server.request(query(sid, ""), "Content-Type",
                "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertEquals(413, response.statusCode());
    }

    @Test
    void anOctetStreamBodyIsStillRefusedFromAVersion4Session() throws Exception {
        String sid = server.handshake().sid();
        HttpResponse<String> response = server.send(server.request(TestServer.pollingQuery(sid), "Content-Type",
                "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build());
        assertEquals(400, response.statusCode());
    }

    @Test
    void websocketFramesOfVersion3AndThePing() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=3&transport=websocket"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            RecordingListener listener = server.listener(sid);
            ws.sendText("2");
            assertEquals("3", ws.nextText());
            server.session(sid).send(OutboundPacket.binary(new byte[] {5, 6}));
            assertArrayEquals(new byte[] {4, 5, 6}, ws.nextBinary(), "the type byte, then the data");
            ws.sendBinary(new byte[] {4, 7, 8});
            assertArrayEquals(new byte[] {7, 8}, listener.nextBinary());
            ws.sendText("4hello");
            assertEquals("hello", listener.nextMessage());
        }
    }

    @Test
    void websocketWithB64SendsBinaryAsBase64Text() throws Exception {
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=3&transport=websocket&b64=1"))) {
            String sid = TestServer.Handshake.parse(ws.nextText()).sid();
            server.session(sid).send(OutboundPacket.binary(new byte[] {1, 2, 3}));
            assertEquals("b4AQID", ws.nextText());
            ws.sendText("b4CQg=");
            assertArrayEquals(new byte[] {9, 8}, server.listener(sid).nextBinary());
        }
    }

    @Test
    void pollingUpgradesToWebsocket() throws Exception {
        String sid = handshake("");
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=3&transport=websocket&sid=" + sid))) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            ws.sendText("5");
            RecordingListener listener = server.listener(sid);
            ws.sendText("4after");
            assertEquals("after", listener.nextMessage());
            assertEquals("websocket", server.session(sid).transportName());
            ws.sendText("2");
            assertEquals("3", ws.nextText());
        }
    }

    @Test
    void aRequestNamingNoProtocolOrAnUnknownOneIsStillRefused() throws Exception {
        TestServer.assertError(server.get("transport=polling"), 400, 5, "Unsupported protocol version");
        TestServer.assertError(server.get("EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
        TestServer.assertError(server.get("EIO=2&transport=polling"), 400, 5, "Unsupported protocol version");
    }

    @Test
    void aVersion4UpgradeOfAVersion3SessionIsRefused() throws Exception {
        String sid = handshake("");
        assertEquals(400, WsClient.refusedStatus(server.wsUri("EIO=4&transport=websocket&sid=" + sid)));
    }

    @Test
    void version4SessionsOnTheSameServerAreUnchanged() throws Exception {
        TestServer.Handshake v4 = server.handshake();
        assertEquals("4", server.session(v4.sid()).protocol());
        server.postPayload(v4.sid(), "2");
        RecordingListener.Close close = server.listener(v4.sid()).assertClosed("transport error");
        assertEquals("invalid heartbeat direction", close.description(), "a v4 client may not ping");
    }
}
