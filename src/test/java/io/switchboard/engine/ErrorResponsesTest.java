package io.switchboard.engine;

import static io.switchboard.engine.TestServer.JSON;
import static io.switchboard.engine.TestServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Point 3: the reference error codes and messages, as HTTP 400 JSON, on connections that stay usable. */
class ErrorResponsesTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void unknownOrMissingTransport() throws Exception {
        assertError(server.get("EIO=4&transport=tobi"), 400, 0, "Transport unknown");
        assertError(server.get("EIO=4"), 400, 0, "Transport unknown");
        assertError(server.get("EIO=4&transport=tobi&sid=whatever"), 400, 0, "Transport unknown");
    }

    @Test
    void transportNotEnabledIsUnknown() throws Exception {
        server.close();
        server = TestServer.start(TestServer.quietOptions().transports(java.util.Set.of(
                EngineOptions.Transport.WEBSOCKET)));
        assertError(server.get("EIO=4&transport=polling"), 400, 0, "Transport unknown");
    }

    @Test
    void unknownSid() throws Exception {
        assertError(server.get("EIO=4&transport=polling&sid=nope"), 400, 1, "Session ID unknown");
        assertError(server.post("EIO=4&transport=polling&sid=nope", "4hello"), 400, 1, "Session ID unknown");
    }

    @Test
    void handshakeWithAnotherMethodThanGet() throws Exception {
        assertError(server.post("EIO=4&transport=polling", "4hello"), 400, 2, "Bad handshake method");
        assertError(server.send(server.request("EIO=4&transport=polling")
                .method("PUT", HttpRequest.BodyPublishers.noBody()).build()), 400, 2, "Bad handshake method");
        assertEquals(0, server.server.sessionCount());
    }

    @Test
    void badRequests() throws Exception {
        // a websocket handshake without the upgrade headers
        assertError(server.get("EIO=4&transport=websocket"), 400, 3, "Bad request");
        // an existing polling session asked for with transport=websocket but no upgrade
        String sid = server.handshake().sid();
        assertError(server.get("EIO=4&transport=websocket&sid=" + sid), 400, 3, "Bad request");
        // neither GET nor POST on a session
        assertError(server.send(server.request(TestServer.pollingQuery(sid))
                .method("PUT", HttpRequest.BodyPublishers.ofString("4x")).build()), 400, 3, "Bad request");
    }

    @Test
    void missingOrUnsupportedProtocolVersion() throws Exception {
        assertError(server.get("transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(server.get("EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(server.get("EIO=5&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(server.get("EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
        assertEquals(400, WsClient.refusedStatus(server.wsUri("EIO=3&transport=websocket")));
        assertEquals(400, WsClient.refusedStatus(server.wsUri("transport=websocket")));
        assertEquals(0, server.server.sessionCount());
    }

    @Test
    void keepAliveConnectionStaysUsableAfterA400() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            http.write("GET /socket.io/?EIO=4&transport=tobi HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Response first = http.read();
            assertEquals(400, first.status());
            assertEquals(JSON.readTree("{\"code\":0,\"message\":\"Transport unknown\"}"), JSON.readTree(first.body()));

            // a refused POST whose body the server must still consume, on the same connection
            http.write("POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 6\r\n\r\n4hello");
            RawHttp.Response second = http.read();
            assertEquals(400, second.status());
            assertEquals(JSON.readTree("{\"code\":2,\"message\":\"Bad handshake method\"}"),
                    JSON.readTree(second.body()));

            http.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Response third = http.read();
            assertEquals(200, third.status());
            assertTrue(third.body().startsWith("0{\"sid\":"), third.body());
        }
    }

    @Test
    void pipelinedRequestsAfterA400AreAnsweredInOrder() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            http.write("GET /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Response first = http.read();
            assertEquals(400, first.status());
            assertEquals(JSON.readTree("{\"code\":1,\"message\":\"Session ID unknown\"}"), JSON.readTree(first.body()));
            RawHttp.Response second = http.read();
            assertEquals(200, second.status());
            assertTrue(second.body().startsWith("0{\"sid\":"), second.body());
        }
    }

    @Test
    void connectionCloseRequestIsClosedAfterTheError() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            http.write("GET /socket.io/?EIO=4&transport=tobi HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertEquals(400, http.read().status());
            assertTrue(http.atEndOfStream());
        }
    }
}
