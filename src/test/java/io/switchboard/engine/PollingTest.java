package io.switchboard.engine;

import static io.switchboard.engine.TestServer.RS;
import static io.switchboard.engine.TestServer.assertError;
import static io.switchboard.engine.TestServer.assertPending;
import static io.switchboard.engine.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Point 4: the long-polling transport as a client sees it. */
class PollingTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void getReturnsQueuedPacketsJoinedByRecordSeparatorWithBinaryAsBase64() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);

        // queued while no GET is waiting
        TestServer.onLoop(session, () -> {
            session.send(OutboundPacket.message("hello"));
            session.send(OutboundPacket.binary(new byte[] {1, 2, 3, (byte) 0xff}));
            session.send(List.of(OutboundPacket.message("é€😀"), OutboundPacket.message("")));
        });

        HttpResponse<String> response = server.poll(sid);

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("content-type").orElse(null));
        assertEquals("4hello" + RS + "bAQID/w==" + RS + "4é€😀" + RS + "4", response.body());
    }

    @Test
    void getHoldsUntilSomethingIsSent() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();

        CompletableFuture<HttpResponse<String>> poll = server.pollAsync(sid);
        assertPending(poll, 300);

        server.session(sid).send(OutboundPacket.message("late"));
        HttpResponse<String> response = await(poll);
        assertEquals(200, response.statusCode());
        assertEquals("4late", response.body());
    }

    @Test
    void getHoldsUntilThePing() throws Exception {
        server = TestServer.start(new EngineOptions().pingInterval(400).pingTimeout(5_000));
        long opened = System.nanoTime();
        String sid = server.handshake().sid();

        HttpResponse<String> response = server.poll(sid);

        assertEquals("2", response.body());
        long elapsed = TestServer.millisSince(opened);
        assertTrue(elapsed >= 350, "the poll returned after " + elapsed + " ms, before the ping was due");
    }

    @Test
    void postDeliversTextAndBinaryMessagesAndAnswersOk() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);

        HttpResponse<String> response = server.postPayload(sid, "4hello" + RS + "bAQID" + RS + "4" + RS + "4é😀");

        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
        assertEquals("hello", listener.nextMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, listener.nextBinary());
        assertEquals("", listener.nextMessage());
        assertEquals("é😀", listener.nextMessage());
        assertTrue(server.session(sid).isOpen());
    }

    @Test
    void secondConcurrentGetClosesTheSession() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);

        CompletableFuture<HttpResponse<String>> first = server.pollAsync(sid);
        assertPending(first, 200);
        HttpResponse<String> second = server.poll(sid);

        assertError(second, 400, 3, "Bad request");
        HttpResponse<String> firstResponse = await(first);
        assertEquals(200, firstResponse.statusCode());
        assertEquals("1", firstResponse.body());
        assertEquals(400, server.poll(sid).statusCode());
        assertEquals(400, server.postPayload(sid, "4x").statusCode());
        listener.assertClosed("transport error");
    }

    @Test
    void postWithoutAKnownSessionIs400() throws Exception {
        server = TestServer.start();
        assertError(server.post("EIO=4&transport=polling&sid=unknown", "4hi"), 400, 1, "Session ID unknown");
        assertError(server.post("EIO=4&transport=polling", "4hi"), 400, 2, "Bad handshake method");
    }

    @Test
    void payloadOverMaxHttpBufferSizeIs413AndTheSessionLivesOn() throws Exception {
        server = TestServer.start(TestServer.quietOptions().maxHttpBufferSize(1_000));
        String sid = server.handshake().sid();
        RecordingListener listener = server.listener(sid);
        CompletableFuture<HttpResponse<String>> pending = server.pollAsync(sid);
        assertPending(pending, 100);

        HttpResponse<String> response = server.postPayload(sid, "4" + "x".repeat(1_000));

        // as engine.io 6.6.13: the payload is refused, the session is not
        assertEquals(413, response.statusCode());
        assertEquals("ok", server.postPayload(sid, "4after").body());
        assertEquals("after", listener.nextMessage());
        TestServer.onLoop(server.session(sid), () -> server.server.session(sid).send(OutboundPacket.message("back")));
        assertEquals("4back", await(pending).body(), "the GET that waited through the 413 still serves");
        assertTrue(server.server.session(sid).isOpen());
        assertFalse(listener.closed.isDone());
    }

    @Test
    void pollingResponsesAreNotToBeStored() throws Exception {
        server = TestServer.start();
        HttpResponse<String> handshake = server.get("EIO=4&transport=polling");
        String sid = TestServer.Handshake.parse(handshake.body()).sid();
        HttpResponse<String> post = server.postPayload(sid, "4hi");
        CompletableFuture<HttpResponse<String>> poll = server.pollAsync(sid);
        server.listener(sid).nextMessage();
        server.session(sid).send(OutboundPacket.message("there"));

        for (HttpResponse<String> response : List.of(handshake, post, await(poll))) {
            assertEquals("no-store", response.headers().firstValue("cache-control").orElse(null),
                    response.request().method() + " " + response.body());
        }
    }

    @Test
    void payloadOfExactlyMaxHttpBufferSizeIsAccepted() throws Exception {
        server = TestServer.start(TestServer.quietOptions().maxHttpBufferSize(1_000));
        String sid = server.handshake().sid();

        HttpResponse<String> response = server.postPayload(sid, "4" + "x".repeat(999));

        assertEquals(200, response.statusCode());
        assertEquals(999, server.listener(sid).nextMessage().length());
    }

    @Test
    void octetStreamPostIsAProtocolV3ClientAndIsRefused() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();

        assertError(server.post(TestServer.pollingQuery(sid), "4hi", "Content-Type", "application/octet-stream"),
                400, 3, "Bad request");
        assertEquals("1", server.poll(sid).body(), "the next GET carries the close");
        server.listener(sid).assertClosed("forced close");
    }

    @Test
    void abortedPollClosesTheSession() throws Exception {
        server = TestServer.start();
        String sid = server.handshake().sid();
        try (RawHttp http = new RawHttp(server.port)) {
            http.write("GET /socket.io/?" + TestServer.pollingQuery(sid) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        RecordingListener.Close close = server.listener(sid).assertClosed("transport error");
        assertEquals("poll connection closed prematurely", close.description());
    }
}
