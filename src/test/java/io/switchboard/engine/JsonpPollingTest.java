package io.switchboard.engine;

import static io.switchboard.engine.TestServer.JSON;
import static io.switchboard.engine.TestServer.RS;
import static io.switchboard.engine.TestServer.assertPending;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JSONP polling ({@code j}) over real HTTP, for Engine.IO 4 and 3 sessions: answers as scripts calling the client's
 * callback, POSTs as forms with field d, binary as base64, the limits, and the upgrade to websocket.
 */
class JsonpPollingTest {
    private TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    /** The payload a JSONP answer hands to callback {@code index}, after checking it is such a script. */
    private static String payloadOf(HttpResponse<String> response, String index) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/javascript; charset=UTF-8", response.headers().firstValue("content-type").orElse(null));
        String body = response.body();
        String head = "___eio[" + index + "](";
        assertTrue(body.startsWith(head) && body.endsWith(");"), body);
        // what JSON.stringify writes is a JSON string literal too
        return JSON.readTree(body.substring(head.length(), body.length() - 2)).asText();
    }

    /** The form socket.io-client 2 posts: newlines escaped as \n (a \n already there as \\n), URL-encoded. */
    private static String form(String payload) {
        return "d=" + URLEncoder.encode(payload.replace("\\n", "\\\n").replace("\n", "\\n"), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> postForm(String query, String body) throws Exception {
        return server.post(query, body, "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String sidOf(String openPacket) throws Exception {
        assertTrue(openPacket.startsWith("0{"), openPacket);
        JsonNode open = JSON.readTree(openPacket.substring(1));
        return open.get("sid").asText();
    }

    @Test
    void aVersion4SessionOverJsonp() throws Exception {
        server = TestServer.start();
        String sid = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        String query = "EIO=4&transport=polling&j=0&sid=" + sid;
        RecordingListener listener = server.listener(sid);

        HttpResponse<String> ok = postForm(query, form("4two\nlines" + RS + "4a \\n stays, h\u00e9llo"));
        assertEquals(200, ok.statusCode());
        assertEquals("ok", ok.body());
        assertEquals("two\nlines", listener.nextMessage());
        assertEquals("a \\n stays, h\u00e9llo", listener.nextMessage());

        TestServer.onLoop(server.session(sid), () -> {
            server.server.session(sid).send(OutboundPacket.message("say \"hi\"\u2028\uD83D\uDE00"));
            server.server.session(sid).send(OutboundPacket.binary(new byte[] {1, 2, 3}));
        });
        HttpResponse<String> answer = server.get(query);
        assertTrue(answer.body().contains("\\u2028") && answer.body().contains("\\u001e"), answer.body());
        assertEquals("4say \"hi\"\u2028\uD83D\uDE00" + RS + "bAQID", payloadOf(answer, "0"), "binary in base64");
        assertEquals("no-store", answer.headers().firstValue("cache-control").orElse(null));
    }

    @Test
    void aVersion3SessionOverJsonpTakesBinaryAsBase64() throws Exception {
        server = TestServer.start(TestServer.quietOptions().allowEIO3(true));
        // no b64 here: a script cannot carry a binary payload whatever the client asks
        String handshake = payloadOf(server.get("EIO=3&transport=polling&j=1"), "1");
        String open = handshake.substring(handshake.indexOf(':') + 1);
        assertEquals(open.length(), Integer.parseInt(handshake.substring(0, handshake.indexOf(':'))), handshake);
        String sid = sidOf(open);
        String query = "EIO=3&transport=polling&j=1&sid=" + sid;
        RecordingListener listener = server.listener(sid);

        assertEquals("ok", postForm(query, form("6:4hello6:b4CQg=1:2")).body());
        assertEquals("hello", listener.nextMessage());
        assertArrayEquals(new byte[] {9, 8}, listener.nextBinary());
        assertEquals("1:3", payloadOf(server.get(query), "1"), "the pong of the client's ping");

        TestServer.onLoop(server.session(sid), () -> {
            server.server.session(sid).send(OutboundPacket.message("51-[\"e\",{\"_placeholder\":true,\"num\":0}]"));
            server.server.session(sid).send(OutboundPacket.binary(new byte[] {1, 2, 3}));
        });
        String event = "451-[\"e\",{\"_placeholder\":true,\"num\":0}]";
        assertEquals(event.length() + ":" + event + "6:b4AQID", payloadOf(server.get(query), "1"));
    }

    @Test
    void aBadIndexIsABadRequest() throws Exception {
        server = TestServer.start();
        for (String j : new String[] {"", "a", "1a", "-1", "1%5D)%3Balert(1)%3B%2F%2F"}) {
            TestServer.assertError(server.get("EIO=4&transport=polling&j=" + j), 400, 3, "Bad request");
        }
        TestServer.assertError(server.get("EIO=4&transport=polling&j=1&j=2"), 400, 3, "Bad request");
        String sid = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        TestServer.assertError(server.get("EIO=4&transport=polling&j=x&sid=" + sid), 400, 3, "Bad request");
        assertTrue(server.server.session(sid).isOpen(), "a bad index refuses the request only");
    }

    @Test
    void aMalformedFormIsABadRequestAndClosesTheSession() throws Exception {
        server = TestServer.start();
        String sid = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        TestServer.assertError(postForm("EIO=4&transport=polling&j=0&sid=" + sid, "x=4hi"), 400, 3, "Bad request");
        assertEquals("1", payloadOf(server.get("EIO=4&transport=polling&j=0&sid=" + sid), "0"), "the close packet");
        server.listener(sid).awaitClose();

        String other = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        TestServer.assertError(postForm("EIO=4&transport=polling&j=0&sid=" + other, "d=4%ZZ"), 400, 3,
                "Bad request");
    }

    @Test
    void maxHttpBufferSizeIsForTheDecodedPayload() throws Exception {
        server = TestServer.start(TestServer.quietOptions().maxHttpBufferSize(1_000));
        String sid = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        String query = "EIO=4&transport=polling&j=0&sid=" + sid;
        RecordingListener listener = server.listener(sid);

        // 1,000 bytes of payload in a form four times that long
        String full = "4" + "\n".repeat(999);
        assertTrue(form(full).length() > 3_900);
        assertEquals("ok", postForm(query, form(full)).body());
        assertEquals("\n".repeat(999), listener.nextMessage());

        HttpResponse<String> over = postForm(query, form(full + "\n"));
        assertEquals(413, over.statusCode());
        HttpResponse<String> overChunked = server.send(server.request(query, "Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofString(form("4" + "x".repeat(1_000))))).build());
        assertEquals(413, overChunked.statusCode(), "a chunked form too");
        assertEquals(413, postForm(query, "d=" + "x".repeat(4_100)).statusCode(), "a form over its own limit");

        assertEquals("ok", postForm(query, form("4after")).body(), "the session lives on, as after any 413");
        assertEquals("after", listener.nextMessage());
        assertFalse(listener.closed.isDone());
    }

    @Test
    void aPlainPostIsStillLimitedToMaxHttpBufferSize() throws Exception {
        server = TestServer.start(TestServer.quietOptions().maxHttpBufferSize(1_000));
        String sid = server.handshake().sid();
        HttpResponse<String> chunked = server.send(server.request(TestServer.pollingQuery(sid)).POST(
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(
                        "4" + "x".repeat(1_000)))).build());
        assertEquals(413, chunked.statusCode(), "a chunked body the aggregator let through for JSONP's sake");
        assertEquals(413, server.postPayload(sid, "4" + "x".repeat(1_000)).statusCode());
        assertEquals("ok", server.postPayload(sid, "4" + "x".repeat(999)).body());
    }

    @Test
    void aJsonpSessionUpgradesToWebsocket() throws Exception {
        server = TestServer.start();
        String sid = sidOf(payloadOf(server.get("EIO=4&transport=polling&j=0"), "0"));
        String query = "EIO=4&transport=polling&j=0&sid=" + sid;
        CompletableFuture<HttpResponse<String>> poll = server.getAsync(query);
        assertPending(poll, 100);
        try (WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket&sid=" + sid))) {
            ws.sendText("2probe");
            assertEquals("3probe", ws.nextText());
            assertEquals("6", payloadOf(await(poll), "0"), "the waiting poll is let go with a noop");
            ws.sendText("5");
            ws.sendText("4after");
            assertEquals("after", server.listener(sid).nextMessage());
            assertEquals("websocket", server.session(sid).transportName());
        }
    }
}
