package io.switchboard.security;

import static io.switchboard.server.ratelimit.OpsTestSupport.WAIT;
import static io.switchboard.server.ratelimit.OpsTestSupport.request;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import io.switchboard.server.ratelimit.RateLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rate limits against a client that tries to get around them on the wire: CONNECT/DISCONNECT cycles, many
 * namespaces on one connection, CONNECT floods, failed authentications, coming back after being cut off. A canary
 * client keeps its ack round trip bounded meanwhile. Loops are bounded; "accepted" is what the server acked.
 */
class RateLimitBypassTest {
    private static final long CANARY_BOUND_MS = 5_000;

    @TempDir
    Path dir;
    private OpsTestSupport support;
    private final List<RawClient> raws = new ArrayList<>();

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() {
        raws.forEach(RawClient::close);
        support.close();
    }

    private RawClient raw(SwitchboardServer server) throws Exception {
        RawClient client = RawClient.connect(server.address().getPort());
        raws.add(client);
        return client;
    }

    private static String auth(String subject) {
        return "{\"token\":\"" + token(subject) + "\"}";
    }

    /** Reads packets until one matches (bounded by the client's own timeout per packet and a count). */
    private static String until(RawClient client, Predicate<String> wanted) throws InterruptedException {
        for (int i = 0; i < 10_000; i++) {
            String packet = client.next();
            if (wanted.test(packet)) {
                return packet;
            }
        }
        throw new AssertionError("no wanted packet among 10000");
    }

    /** The canary's join-room round trip, which must stay within the bound whatever the attack does. */
    private static void assertCanaryAnswers(Socket canary) throws Exception {
        long start = System.nanoTime();
        Object answer = request(canary, "join-room", "chat:canary").get(CANARY_BOUND_MS, TimeUnit.MILLISECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(String.valueOf(answer).contains("\"ok\":true"), "canary answer " + answer);
        assertTrue(millis < CANARY_BOUND_MS, "canary round trip " + millis + " ms");
    }

    private double refusals(SwitchboardServer server, String reason) throws Exception {
        String text = support.get(server, "/metrics").body();
        Matcher matcher = Pattern.compile("switchboard_rate_limit_refusals_total\\{[^}]*reason=\"" + reason
                + "\"[^}]*} ([0-9.eE+]+)").matcher(text);
        assertTrue(matcher.find(), "no refusal counter for " + reason);
        return Double.parseDouble(matcher.group(1));
    }

    private double metric(SwitchboardServer server, String name, String label) throws Exception {
        String text = support.get(server, "/metrics").body();
        Matcher matcher = Pattern.compile(name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} ([0-9.eE+]+)")
                .matcher(text);
        assertTrue(matcher.find(), "no " + name + " " + label);
        return Double.parseDouble(matcher.group(1));
    }

    /** Closes the attack's connections and waits (bounded) until the budgets held for connections are back. */
    private void assertBudgetsReturnTo(SwitchboardServer server, double baseline) throws Exception {
        raws.forEach(RawClient::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        double tracked;
        while ((tracked = metric(server, "switchboard_rate_limit_tracked", "kind=\"connections\"")) > baseline
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(baseline, tracked, "connection budgets left behind");
    }

    /**
     * Sends {@code count} join-room events with acks on a namespace and returns how many the server accepted (acked
     * ok rather than "rate limited").
     */
    private static int joins(RawClient client, String namespace, int count, int firstId) throws Exception {
        String prefix = namespace.equals("/") ? "" : namespace + ",";
        for (int i = 0; i < count; i++) {
            client.send("2" + prefix + (firstId + i) + "[\"join-room\",\"chat:x\"]");
        }
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            String ack = until(client, packet -> packet.startsWith("3" + prefix));
            if (ack.contains("\"ok\":true")) {
                accepted++;
            }
        }
        return accepted;
    }

    @Test
    void connectDisconnectCyclesDoNotResetTheEventBudget() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 1", "  burst: 5",
                "  maxViolations: 0", "  connects: 1000/1000");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        RawClient client = raw(server);
        long start = System.nanoTime();
        int accepted = 0;
        for (int cycle = 0; cycle < 20; cycle++) {
            client.send("0" + auth("mallory"));
            until(client, packet -> packet.startsWith("0{"));
            accepted += joins(client, "/", 10, cycle * 100);
            client.send("1");
        }
        assertCanaryAnswers(canary);
        double seconds = (System.nanoTime() - start) / 1e9;
        // one budget for the connection: the burst of 5 and 1 a second, whatever the 20 cycles did
        assertTrue(accepted <= 5 + Math.ceil(seconds) + 1, accepted + " accepted in " + seconds + " s");
        assertTrue(refusals(server, "event_rate") > 0);
        assertBudgetsReturnTo(server, 1);   // the canary's
    }

    @Test
    void namespacesOnOneConnectionShareOneBudget() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 1", "  burst: 5",
                "  maxViolations: 0", "  connects: 1000/1000");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        RawClient client = raw(server);
        long start = System.nanoTime();
        int accepted = 0;
        for (int n = 0; n < 16; n++) {
            String namespace = "/n" + n;
            client.send("0" + namespace + "," + auth("mallory"));
            until(client, packet -> packet.startsWith("0" + namespace + ",{"));
            accepted += joins(client, namespace, 10, 0);
        }
        assertCanaryAnswers(canary);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(accepted <= 5 + Math.ceil(seconds) + 1, accepted + " accepted over 16 namespaces in " + seconds
                + " s");
        assertBudgetsReturnTo(server, 1);
    }

    @Test
    void theUserBudgetHoldsOverSeveralConnections() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 100", "  burst: 100",
                "  maxViolations: 0", "  userEvents: 1/5");
        long start = System.nanoTime();
        int accepted = 0;
        for (int c = 0; c < 4; c++) {
            RawClient client = raw(server);
            client.send("0" + auth("mallory"));
            until(client, packet -> packet.startsWith("0{"));
            accepted += joins(client, "/", 10, 0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(accepted <= 5 + Math.ceil(seconds) + 1, accepted + " accepted over 4 connections in " + seconds
                + " s");
        assertTrue(refusals(server, "user_event_rate") > 0);
    }

    @Test
    void aConnectFloodIsLimitedPerConnection() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  connects: 2/10");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        RawClient client = raw(server);
        long start = System.nanoTime();
        int accepted = 0;
        int refused = 0;
        for (int cycle = 0; cycle < 60; cycle++) {
            client.send("0" + auth("mallory"));
            String reply = until(client, packet -> packet.startsWith("0{") || packet.startsWith("4{"));
            if (reply.startsWith("0{")) {
                accepted++;
                client.send("1");
            } else {
                assertTrue(reply.contains("\"code\":\"rate_limited\"") && reply.contains("retryAfter"), reply);
                refused++;
            }
        }
        assertCanaryAnswers(canary);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(60, accepted + refused);
        assertTrue(accepted <= 10 + 2 * Math.ceil(seconds) + 1, accepted + " CONNECTs accepted in " + seconds + " s");
        assertTrue(refusals(server, "connect_rate") >= refused);
    }

    @Test
    void aConnectFloodOverSeveralConnectionsIsLimitedPerAddress() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  connects: 1000/1000", "  connectsPerAddress: 5/10");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        long start = System.nanoTime();
        int accepted = 0;
        for (int c = 0; c < 4; c++) {
            RawClient client = raw(server);
            for (int cycle = 0; cycle < 15; cycle++) {
                client.send("0" + auth("mallory"));
                String reply = until(client, packet -> packet.startsWith("0{") || packet.startsWith("4{"));
                if (reply.startsWith("0{")) {
                    accepted++;
                    client.send("1");
                } else {
                    assertTrue(reply.contains("\"reason\":\"connect_rate_address\""), reply);
                }
            }
        }
        assertCanaryAnswers(canary);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(accepted <= 10 + 5 * Math.ceil(seconds) + 1, accepted + " CONNECTs from one address in " + seconds
                + " s");
        assertTrue(refusals(server, "connect_rate_address") > 0);
    }

    @Test
    void failedAuthenticationsAreBoundedPerAddressSoVerificationsAre() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  authFailures: 1/5", "  authFailuresPerAddress: 2/8",
                "  connects: 1000/1000");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        String forged = "{\"token\":\"" + token("mallory").substring(0, token("mallory").length() - 4) + "AAAA\"}";
        long start = System.nanoTime();
        int verified = 0;    // an invalid_token answer means the signature was checked
        int unverified = 0;  // refused before any verification
        for (int c = 0; c < 4; c++) {
            RawClient client = raw(server);
            for (int attempt = 0; attempt < 25; attempt++) {
                client.send("0" + forged);
                String reply = until(client, packet -> packet.startsWith("4{"));
                if (reply.contains("\"code\":\"invalid_token\"")) {
                    verified++;
                } else {
                    assertTrue(reply.contains("\"code\":\"rate_limited\""), reply);
                    unverified++;
                }
            }
        }
        assertCanaryAnswers(canary);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(100, verified + unverified);
        assertTrue(verified <= 8 + 2 * Math.ceil(seconds) + 1, verified + " verifications in " + seconds + " s");
        assertTrue(refusals(server, "auth_failures") + refusals(server, "auth_failures_address") >= unverified);
        // a good token from a fresh connection of the canary's address still gets in once the bucket has a token
        Socket late = support.socket(server, "/", Map.of("token", token("late")));
        String outcome = support.connect(late);
        assertTrue(outcome.equals("connect") || outcome.contains("Too many failed"), outcome);
    }

    @Test
    void aClientCutOffAtMaxViolationsWaitsOutTheCooldown() throws Exception {
        SwitchboardServer server = support.start("rateLimit:", "  eventsPerSecond: 1", "  burst: 2",
                "  maxViolations: 3", "  violationWindow: 60000", "  cooldown: 60000");
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        RawClient sameUserElsewhere = raw(server);   // opened before the cut-off
        Socket flooder = support.socket(server, "/", Map.of("token", token("mallory")), "polling");
        assertEquals("connect", support.connect(flooder));
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        flooder.on(Socket.EVENT_DISCONNECT, args -> disconnected.complete(String.valueOf(args[0])));
        for (int i = 0; i < 20; i++) {
            flooder.emit("work", i);
        }
        assertEquals("io server disconnect", disconnected.get(WAIT, TimeUnit.SECONDS));

        // the address is refused at the handshake, with a message saying why
        HttpResponse<String> refused = support.get(server, "/socket.io/?EIO=4&transport=polling");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains(RateLimits.COOLDOWN_MESSAGE), refused.body());
        Socket back = support.socket(server, "/", Map.of("token", token("mallory")));
        assertTrue(support.connect(back).startsWith("connect_error"));
        // the user is refused on a connection that was open before, and other users on it are not
        String reply = sameUserElsewhere.connectTo("/", auth("mallory"));
        assertTrue(reply.startsWith("4{") && reply.contains("\"code\":\"cooldown\""), reply);
        assertTrue(sameUserElsewhere.connectTo("/other", auth("bob")).startsWith("0/other,{"));
        assertCanaryAnswers(canary);
        assertTrue(refusals(server, "violations") >= 1);
        assertTrue(refusals(server, "cooldown_address") >= 2);
        assertTrue(refusals(server, "cooldown_user") >= 1);
    }
}
