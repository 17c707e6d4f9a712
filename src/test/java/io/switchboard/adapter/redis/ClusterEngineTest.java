package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.engine.ClusterLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster engine over a real Redis, spoken to in raw Engine.IO so that every request can be sent to the node
 * the test chooses: a session opened on one node is polled, posted to and upgraded on the others, and answers as
 * if it were local; a session whose node is gone is "Session ID unknown" at once.
 */
class ClusterEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final String key = "sbtest-ce-" + Ids.random(8).replace('-', 'x').replace('_', 'y');
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private record Node(Server server, RedisAdapterFactory factory, int port) {
        String url(String query) {
            return "http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling" + query;
        }
    }

    private Node start(String redisUrl, long pingInterval) throws InterruptedException {
        RedisAdapterFactory factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redisUrl).key(key)
                .requestsTimeout(2_000).clientName(key));
        ServerOptions options = new ServerOptions();
        options.engine().cluster(factory.engineLink()).clusterForwardTimeout(1_500).pingInterval(pingInterval)
                .pingTimeout(5_000);
        Server server = new Server(options.adapter(factory));
        server.onConnection(socket -> {
            socket.on("echo", event -> event.ack(event.argsArray()));
        });
        Node node = new Node(server, factory, server.start("127.0.0.1", 0).getPort());
        nodes.add(node);
        return node;
    }

    @AfterEach
    void close() {
        for (Node node : nodes) {
            node.server().close();
            node.factory().close();
        }
    }

    private HttpResponse<String> get(Node node, String sid) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url("&sid=" + sid))).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(Node node, String sid) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(node.url("&sid=" + sid))).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Node node, String sid, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(node.url("&sid=" + sid))).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a session on the node over polling and joins "/" through another; returns the sid. */
    private String open(Node owner, Node other) throws Exception {
        HttpResponse<String> handshake = http.send(HttpRequest.newBuilder(URI.create(owner.url(""))).timeout(WAIT)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, handshake.statusCode(), handshake.body());
        String body = handshake.body();
        String sid = body.substring(body.indexOf("\"sid\":\"") + 7, body.indexOf("\"sid\":\"") + 27);
        assertEquals("ok", post(other, sid, "40").body());
        HttpResponse<String> connected = get(other, sid);
        assertEquals(200, connected.statusCode());
        assertTrue(connected.body().startsWith("40{\"sid\":"), connected.body());
        return sid;
    }

    @Test
    void aSessionOfOneNodeIsPolledAndPostedToThroughTheOthers() throws Exception {
        String redis = RedisTestSupport.url();
        Node a = start(redis, 25_000);
        Node b = start(redis, 25_000);
        Node c = start(redis, 25_000);
        String sid = open(a, b);
        String tag = a.factory().engineLink().nodeTag();
        assertTrue(sid.startsWith(tag), sid + " names its node " + tag);
        assertEquals(20, sid.length());
        assertNotEquals(tag, b.factory().engineLink().nodeTag());

        // a long-poll on c waits on the owner until the ack of an event posted through b comes
        CompletableFuture<HttpResponse<String>> poll = getAsync(c, sid);
        assertEquals("ok", post(b, sid, "421[\"echo\",\"hi\",{\"n\":1}]").body());
        HttpResponse<String> answer = poll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode());
        assertEquals("431[\"hi\",{\"n\":1}]", answer.body());
        assertEquals("no-store", answer.headers().firstValue("cache-control").orElse(""));

        // binary as base64 (a BINARY_EVENT with one attachment), answered with its attachment
        assertEquals("ok", post(c, sid, "451-2[\"echo\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID").body());
        String binary = get(b, sid).body();
        assertEquals("461-2[{\"_placeholder\":true,\"num\":0}]\u001ebAQID", binary);

        // two GETs at once through two nodes: the owner sees the overlap and ends the session, as for local ones
        CompletableFuture<HttpResponse<String>> first = getAsync(b, sid);
        awaitPendingGet(a, sid);
        HttpResponse<String> second = get(c, sid);
        assertEquals(400, second.statusCode());
        HttpResponse<String> poll1 = first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, poll1.statusCode());
        assertEquals("1", poll1.body(), "the first GET carries the CLOSE");
        awaitGone(a, sid);
    }

    @Test
    void manySessionsRelayedAtOnceAreAllServedAndALocalCanaryWithThem() throws Exception {
        String redis = RedisTestSupport.url();
        Node a = start(redis, 25_000);
        Node b = start(redis, 25_000);
        Node c = start(redis, 25_000);
        int count = 16;
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(count + 1);
        List<CompletableFuture<String>> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Node via = i % 2 == 0 ? b : c;
            opened.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return open(a, via);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, clients));
        }
        List<String> sids = new ArrayList<>();
        for (CompletableFuture<String> sid : opened) {
            sids.add(sid.get(60, TimeUnit.SECONDS));
        }
        String canary = open(b, b);
        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String sid = sids.get(i);
            Node posts = i % 2 == 0 ? b : c;
            Node gets = i % 2 == 0 ? c : b;
            rounds.add(CompletableFuture.runAsync(() -> echoRounds(posts, gets, sid, 3), clients));
        }
        rounds.add(CompletableFuture.runAsync(() -> echoRounds(b, b, canary, 3), clients));
        try {
            CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }
        // closed through the relays: the owner lets every one of them go
        for (int i = 0; i < count; i++) {
            assertEquals("ok", post(i % 2 == 0 ? c : b, sids.get(i), "1").body());
        }
        ClusterFixture.eventually("the relayed sessions closed on their owner",
                () -> a.server().engine().sessionCount() == 0);
        assertEquals(1, b.server().engine().sessionCount(), "the canary's session is b's own");
    }

    /** Rounds of "POST an event with an ack to one node, GET the ack from another". */
    private void echoRounds(Node posts, Node gets, String sid, int rounds) {
        try {
            for (int n = 0; n < rounds; n++) {
                assertEquals("ok", post(posts, sid, "42" + n + "[\"echo\"," + n + "]").body());
                assertEquals("43" + n + "[" + n + "]", get(gets, sid).body());
            }
        } catch (Exception e) {
            throw new AssertionError(sid, e);
        }
    }

    /** The session has a GET waiting on its owner (one relayed there). */
    private static void awaitPendingGet(Node owner, String sid) {
        // the owner's transport says so through canTakeMore: only a waiting GET can take a packet
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (owner.server().engine().session(sid) == null || !owner.server().engine().session(sid).canTakeMore()) {
            if (System.nanoTime() > deadline) {
                fail("no GET reached the owner of " + sid);
            }
            ClusterFixture.sleep(10);
        }
    }

    private static void awaitGone(Node owner, String sid) {
        ClusterFixture.eventually("session " + sid + " closed on its owner",
                () -> owner.server().engine().session(sid) == null);
    }

    @Test
    void aSessionWhoseNodeIsGoneIsUnknownAtOnce() throws Exception {
        String redis = RedisTestSupport.url();
        Node a = start(redis, 25_000);
        Node b = start(redis, 25_000);
        String sid = open(a, b);
        CompletableFuture<HttpResponse<String>> waiting = getAsync(b, sid);
        awaitPendingGet(a, sid);
        a.server().close();
        a.factory().close();
        // the waiting poll ends (the owner closed it on the way down), and the next request learns the session is gone
        assertEquals(200, waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        long started = System.nanoTime();
        HttpResponse<String> lost = get(b, sid);
        assertEquals(400, lost.statusCode());
        assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", lost.body());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 1_500, "PUBLISH found no node for the tag: no wait for the forward timeout (" + millis
                + " ms)");
        // an id of this node that it does not know is unknown too, without asking anyone
        String own = b.factory().engineLink().nodeTag() + "AAAAAAAAAAAAAA";
        assertEquals(400, get(b, own).statusCode());
    }

    @Test
    void aWebSocketThatReachesAnotherNodeIsBridgedToTheSession() throws Exception {
        String redis = RedisTestSupport.url();
        Node a = start(redis, 25_000);
        Node b = start(redis, 25_000);
        String sid = open(a, b);
        Frames frames = new Frames();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + b.port() + "/socket.io/?EIO=4&transport=websocket&sid="
                        + sid), frames).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ws.sendText("2probe", true).get();
        assertEquals("3probe", frames.next());
        ws.sendText("5", true).get();
        // upgraded: polling is refused now, wherever it goes
        ClusterFixture.eventually("upgrade done on the owner",
                () -> "websocket".equals(a.server().engine().session(sid).transportName()));
        assertEquals(400, get(b, sid).statusCode());
        ws.sendText("421[\"echo\",\"over the bridge\"]", true).get();
        assertEquals("431[\"over the bridge\"]", frames.next());
        // binary both ways: the attachment goes as a binary frame
        ws.sendText("451-2[\"echo\",{\"_placeholder\":true,\"num\":0}]", true).get();
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get();
        assertEquals("461-2[{\"_placeholder\":true,\"num\":0}]", frames.next());
        assertEquals("bin:010203", frames.next());
        // an event from the owner's side reaches the client through the bridge
        a.server().sockets().emit("from-owner", "x");
        assertEquals("42[\"from-owner\",\"x\"]", frames.next());
        // the client closes: the owner's session ends
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        awaitGone(a, sid);
    }

    @Test
    void aStalledRedisFailsRelayedRequestsWithinTheirTimeout() throws Exception {
        try (RedisProcess own = RedisProcess.start()) {
            Node a = start(own.url(), 2_000);
            Node b = start(own.url(), 2_000);
            String sid = open(a, b);
            own.pause();
            try {
                long started = System.nanoTime();
                HttpResponse<String> post = post(b, sid, "42[\"echo\"]");
                long postMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(400, post.statusCode());
                assertEquals("{\"code\":1,\"message\":\"Session ID unknown\"}", post.body());
                // the POST's limit is the forward timeout (1.5 s); the stall lasts longer than both requests
                assertTrue(postMillis >= 1_000 && postMillis < 5_000, "POST failed after " + postMillis + " ms");
                started = System.nanoTime();
                HttpResponse<String> poll = get(b, sid);
                long pollMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(400, poll.statusCode());
                // a GET may wait as a local long-poll does (pingInterval 2 s) plus the forward timeout; the Redis
                // command timeout (2 s here) may end it first: never later
                assertTrue(pollMillis >= 1_000 && pollMillis < 2_000 + 1_500 + 2_000, "GET failed after "
                        + pollMillis + " ms");
            } finally {
                own.resume();
            }
            // local requests never depended on Redis: a session of b is served by b throughout
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(b.url(""))).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    /** Text frames as they are, binary ones as "bin:" and hex. */
    private static final class Frames implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                if (!frame.equals("2")) {
                    queue.add(frame);
                } else {
                    webSocket.sendText("3", true);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            StringBuilder hex = new StringBuilder("bin:");
            while (data.hasRemaining()) {
                hex.append(String.format("%02x", data.get()));
            }
            queue.add(hex.toString());
            webSocket.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String frame = queue.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                fail("no frame within " + WAIT);
            }
            return frame;
        }
    }

    @Test
    void nodeTagsHaveTheLengthSessionIdsReserveForThem() throws Exception {
        Node a = start(RedisTestSupport.url(), 25_000);
        assertEquals(ClusterLink.NODE_TAG_LENGTH, a.factory().engineLink().nodeTag().length());
    }
}
