package io.switchboard.server.ratelimit;

import static io.switchboard.server.ratelimit.OpsTestSupport.WAIT;
import static io.switchboard.server.ratelimit.OpsTestSupport.request;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-socket event limits and per-address handshake limits, with the Java socket.io-client against the server. */
class RateLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final OpsTestSupport support = new OpsTestSupport();

    /** A handler "work" on "/" that counts and acks "ok". */
    private static AtomicInteger countWork(SwitchboardServer server) {
        AtomicInteger handled = new AtomicInteger();
        server.server().onConnection(socket -> socket.on("work", event -> {
            handled.incrementAndGet();
            event.ack("ok");
        }));
        return handled;
    }

    @Test
    void aFloodIsLimitedWithRetryAfterAndAckErrorsWhileAnotherClientIsUnaffected() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 1", "  burst: 5",
                "  maxViolations: 0", "  events: [\"slow=1/2\"]", "  exemptEvents: [free]");
        AtomicInteger handled = countWork(server);
        AtomicInteger free = new AtomicInteger();
        server.server().onConnection(socket -> socket.on("free", event -> {
            free.incrementAndGet();
            event.ack("ok");
        }).on("slow", event -> event.ack("ok")));
        Socket flooder = support.connected(server, "/", Map.of("token", token("mallory")));
        Socket other = support.connected(server, "/", Map.of("token", token("alice")));
        ConcurrentLinkedQueue<JSONObject> notices = new ConcurrentLinkedQueue<>();
        flooder.on("rate-limit", args -> notices.add((JSONObject) args[0]));

        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(request(flooder, "work", i));
        }
        int ok = 0;
        int limited = 0;
        for (CompletableFuture<Object> answer : answers) {
            Object value = answer.get(WAIT, TimeUnit.SECONDS);
            if ("ok".equals(value)) {
                ok++;
            } else {
                JSONObject error = (JSONObject) value;
                assertEquals("rate limited", error.getString("error"));
                assertTrue(error.getDouble("retryAfter") > 0 && error.getDouble("retryAfter") <= 1,
                        error.toString());
                limited++;
            }
        }
        // the burst of 5 passes (a sixth at most, should a second pass during the flood); the rest is dropped
        assertTrue(ok == 5 || ok == 6, "ok " + ok);
        assertEquals(12, ok + limited);
        assertEquals(ok, handled.get(), "no handler ran for a dropped event");

        // every drop was announced with rate-limit {event, retryAfter}; the last one arrives before this ack
        assertEquals("ok", request(flooder, "free").get(WAIT, TimeUnit.SECONDS), "exempt events pass");
        assertEquals(limited, notices.size());
        for (JSONObject notice : notices) {
            assertEquals("work", notice.getString("event"));
            assertTrue(notice.getDouble("retryAfter") > 0);
        }

        // a per-event limit has its own bucket (2 at once), independent of "work"
        List<CompletableFuture<Object>> slow = new ArrayList<>();
        Socket fresh = support.connected(server, "/", Map.of("token", token("carol")));
        fresh.on("rate-limit", args -> { });
        for (int i = 0; i < 4; i++) {
            slow.add(request(fresh, "slow"));
        }
        int slowLimited = 0;
        for (CompletableFuture<Object> answer : slow) {
            if (answer.get(WAIT, TimeUnit.SECONDS) instanceof JSONObject) {
                slowLimited++;
            }
        }
        assertTrue(slowLimited >= 1, "slow=1/2 limits a burst of 4");
        assertEquals("ok", request(fresh, "work").get(WAIT, TimeUnit.SECONDS), "work has its own bucket");

        // the other client was never limited
        for (int i = 0; i < 3; i++) {
            assertEquals("ok", request(other, "work").get(WAIT, TimeUnit.SECONDS));
        }
        assertTrue(flooder.connected() && other.connected());
        assertEquals(1, free.get());
    }

    @Test
    void repeatedAbuseDisconnectsTheSocketOnly() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 1", "  burst: 2",
                "  maxViolations: 3", "  violationWindow: 60000");
        AtomicInteger handled = countWork(server);
        Socket flooder = support.connected(server, "/", Map.of("token", token("mallory")));
        Socket other = support.connected(server, "/", Map.of("token", token("alice")));
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        flooder.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(String.valueOf(args[0])));
        for (int i = 0; i < 20; i++) {
            flooder.emit("work", i);
        }
        assertEquals("io server disconnect", disconnected.get(WAIT, TimeUnit.SECONDS));
        assertTrue(handled.get() <= 3, "handled " + handled.get());
        assertEquals("ok", request(other, "work").get(WAIT, TimeUnit.SECONDS));
        assertTrue(other.connected());
    }

    @Test
    void tooManyConnectionsFromOneAddressAreRefusedWith403() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  maxConnectionsPerAddress: 2");
        String handshake = "/socket.io/?EIO=4&transport=polling";
        assertEquals(200, support.get(server, handshake).statusCode());
        assertEquals(200, support.get(server, handshake).statusCode());
        HttpResponse<String> refused = support.get(server, handshake);
        assertEquals(403, refused.statusCode());
        JsonNode body = JSON.readTree(refused.body());
        assertEquals(4, body.get("code").asInt());
        assertEquals(AddressLimiter.TOO_MANY_CONNECTIONS, body.get("message").asText());
        // a socket.io client is refused too, with a connect_error rather than a hang
        Socket socket = support.socket(server, "/", Map.of("token", token("alice")));
        String outcome = support.connect(socket);
        assertTrue(outcome.startsWith("connect_error"), outcome);
    }

    @Test
    void tooManyNewConnectionsPerSecondAreRefusedWith403() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  connectionsPerSecondPerAddress: 2");
        String handshake = "/socket.io/?EIO=4&transport=polling";
        int refused = 0;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = support.get(server, handshake);
            if (response.statusCode() == 403) {
                refused++;
                assertEquals(AddressLimiter.TOO_MANY_NEW_CONNECTIONS,
                        JSON.readTree(response.body()).get("message").asText());
            } else {
                assertEquals(200, response.statusCode());
            }
        }
        assertTrue(refused >= 1, "a burst of 4 over a limit of 2 per second");
        assertFalse(refused > 2);
    }
}
