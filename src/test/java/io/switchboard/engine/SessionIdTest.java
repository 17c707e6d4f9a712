package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Point 2: session ids are long, random, URL-safe, and never chosen by the client. */
class SessionIdTest {
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String CHOSEN = "client-chosen-session-id";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void generatedIdsCarry120RandomBitsInTheReferenceFormat() {
        SessionIds ids = new SessionIds();
        Set<String> seen = new HashSet<>();
        int[] bitOnes = new int[120];
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            String id = ids.next();
            assertTrue(URL_SAFE.matcher(id).matches(), id);
            assertEquals(20, id.length(), id);
            byte[] raw = Base64.getUrlDecoder().decode(id);
            assertTrue(raw.length * 8 >= 120, "only " + raw.length * 8 + " bits");
            assertTrue(seen.add(id), "repeated id " + id);
            for (int bit = 0; bit < 120; bit++) {
                if ((raw[bit / 8] >> (bit % 8) & 1) == 1) {
                    bitOnes[bit]++;
                }
            }
        }
        // every bit position varies, roughly half the time (well over 10 standard deviations of slack)
        for (int bit = 0; bit < 120; bit++) {
            assertTrue(bitOnes[bit] > n / 2 - 300 && bitOnes[bit] < n / 2 + 300,
                    "bit " + bit + " set " + bitOnes[bit] + " times of " + n);
        }
    }

    @Test
    void idsHandedOutOverTheWireAreUrlSafeAndDistinct() throws Exception {
        server = TestServer.start();
        Set<String> sids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String sid = server.handshake().sid();
            assertTrue(URL_SAFE.matcher(sid).matches(), sid);
            assertEquals(20, sid.length(), sid);
            assertTrue(sids.add(sid));
        }
    }

    @Test
    void sidInTheHandshakeQueryIsNotHonoured() throws Exception {
        server = TestServer.start();

        TestServer.assertError(server.get("EIO=4&transport=polling&sid=" + CHOSEN), 400, 1, "Session ID unknown");
        assertEquals(400, WsClient.refusedStatus(server.wsUri("EIO=4&transport=websocket&sid=" + CHOSEN)));

        assertNull(server.server.session(CHOSEN));
        assertEquals(0, server.server.sessionCount());
    }

    @Test
    void cookieAndHeadersDoNotChooseTheSid() throws Exception {
        server = TestServer.start();

        String sid = server.handshake("Cookie", "io=" + CHOSEN, "sid", CHOSEN, "X-Session-Id", CHOSEN).sid();

        assertNotEquals(CHOSEN, sid);
        assertNull(server.server.session(CHOSEN));
        assertEquals(sid, server.session(sid).id());
    }

    @Test
    void anotherSessionsIdInTheHandshakeQueryOpensNothingNew() throws Exception {
        server = TestServer.start();
        String existing = server.handshake().sid();

        // a GET with a live sid is a poll for that session, not a handshake that could adopt the id
        var poll = server.pollAsync(existing);
        TestServer.assertPending(poll, 100);
        assertEquals(1, server.server.sessionCount());
        server.session(existing).send(OutboundPacket.message("x"));
        assertEquals("4x", TestServer.await(poll).body());
    }
}
