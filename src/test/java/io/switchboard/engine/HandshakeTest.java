package io.switchboard.engine;

import static io.switchboard.engine.TestServer.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Point 1: the handshake over polling and directly over websocket, and what the open packet carries. */
class HandshakeTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pollingHandshakeAnswersWithTheOpenPacket() throws Exception {
        server = TestServer.start(new EngineOptions().pingInterval(12_345).pingTimeout(6_789)
                .maxHttpBufferSize(54_321));

        HttpResponse<String> response = server.get("EIO=4&transport=polling");

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("content-type").orElse(null));
        String body = response.body();
        assertTrue(body.startsWith("0"), body);
        JsonNode open = JSON.readTree(body.substring(1));
        assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"),
                Set.copyOf(iterable(open.fieldNames())));
        assertTrue(open.get("sid").isTextual());
        assertEquals(JSON.readTree("[\"websocket\"]"), open.get("upgrades"));
        assertEquals(12_345, open.get("pingInterval").asLong());
        assertEquals(6_789, open.get("pingTimeout").asLong());
        assertEquals(54_321, open.get("maxPayload").asLong());

        String sid = open.get("sid").asText();
        EngineSession session = server.session(sid);
        assertEquals(sid, session.id());
        assertEquals("polling", session.transportName());
        assertTrue(session.isOpen());
        assertEquals("4", session.request().queryParam("EIO"));
    }

    @Test
    void pollingSessionOffersNoUpgradeWhenUpgradesAreOffOrWebsocketIsNotAllowed() throws Exception {
        server = TestServer.start(TestServer.quietOptions().allowUpgrades(false));
        assertEquals(0, server.handshake().open().get("upgrades").size());
        server.close();

        server = TestServer.start(TestServer.quietOptions().transports(Set.of(EngineOptions.Transport.POLLING)));
        assertEquals(0, server.handshake().open().get("upgrades").size());
    }

    @Test
    void websocketHandshakeSendsTheOpenPacketAsTheFirstTextFrame() throws Exception {
        server = TestServer.start(new EngineOptions().pingInterval(12_345).pingTimeout(6_789)
                .maxHttpBufferSize(54_321));

        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            TestServer.Handshake handshake = TestServer.Handshake.parse(ws.nextText());

            JsonNode open = handshake.open();
            assertEquals(Set.of("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"),
                    Set.copyOf(iterable(open.fieldNames())));
            assertEquals(0, open.get("upgrades").size(), "nothing to upgrade to from websocket");
            assertEquals(12_345, open.get("pingInterval").asLong());
            assertEquals(6_789, open.get("pingTimeout").asLong());
            assertEquals(54_321, open.get("maxPayload").asLong());
            EngineSession session = server.session(handshake.sid());
            assertEquals("websocket", session.transportName());
        }
    }

    @Test
    void eachHandshakeOpensItsOwnSession() throws Exception {
        server = TestServer.start();
        String first = server.handshake().sid();
        String second = server.handshake().sid();
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"))) {
            String third = TestServer.Handshake.parse(ws.nextText()).sid();
            assertEquals(3, Set.of(first, second, third).size());
            assertNotNull(server.session(third));
            assertEquals(3, server.server.sessionCount());
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
