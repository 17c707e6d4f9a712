package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.socket.client.Socket;
import io.switchboard.adapter.redis.RedisTestSupport;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.metrics.PrometheusText;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 1: with the default {@code server.namespaces: ["*"]} and the Redis adapter, CONNECTs without a token
 * to names never seen before used to create a namespace each (adapter, recovery store, four Redis subscriptions)
 * that nothing removed. Ten raw sessions now send thousands of them while a canary client's acks keep coming back;
 * afterwards the node's namespaces, its heap and its Redis subscriptions are back to their level, and a
 * {@code limits.maxNamespaces} cap answers CONNECT_ERROR, counted in /metrics.
 */
class NamespaceFloodTest {
    private static final int SESSIONS = 10;
    private static final int CONNECTS_PER_SESSION = 2_000;
    /** CONNECTs sent before reading the answers: below limits.maxNamespacesPerSession, so none is refused for it. */
    private static final int BATCH = 16;
    private static final long CANARY_BOUND_MS = 5_000;

    @TempDir
    Path dir;

    private static String[] redisConfig(String key, String clientName, String... more) {
        List<String> lines = new ArrayList<>(List.of("adapter:", "  type: redis", "  redis:",
                "    url: " + RedisTestSupport.url(), "    keyPrefix: " + key, "    clientName: " + clientName,
                // the CONNECT budget is another limit's business: this test is about what a refusal leaves behind
                "rateLimit:", "  enabled: false"));
        lines.addAll(List.of(more));
        return lines.toArray(String[]::new);
    }

    @Test
    void connectsWithoutATokenToNewNamesLeaveNothingBehind() throws Exception {
        String key = "sbflood-" + Long.toHexString(System.nanoTime());
        String clientName = key + "-node";
        try (OpsTestSupport ops = new OpsTestSupport(dir); RedisTestSupport redis = RedisTestSupport.open()) {
            SwitchboardServer node = ops.start(redisConfig(key, clientName));
            int port = node.address().getPort();
            Socket canary = ops.connected(node, "/", Map.of("token", OpsTestSupport.token("canary")));
            assertEquals("{\"ok\":true}", String.valueOf(OpsTestSupport.request(canary, "join-room", "chat:canary")
                    .get(OpsTestSupport.WAIT, TimeUnit.SECONDS)));

            // a first small round warms the paths up, so that the baseline is not the JIT's and the classes' growth
            attack(port, 2, 200, "warm");
            int namespacesBefore = node.server().namespaceCount();
            Map<String, Long> subscriptionsBefore = redis.subscriptionCounts(clientName + "-sub");
            List<String> channelsBefore = redis.sync().pubsubChannels(key + "*");
            MemoryProbe.Sample heapBefore = MemoryProbe.sample();

            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicLong slowestAck = new AtomicLong();
            AtomicLong acks = new AtomicLong();
            CompletableFuture<Void> canaryDone = CompletableFuture.runAsync(() -> {
                while (attacking.get()) {
                    long start = System.nanoTime();
                    try {
                        OpsTestSupport.request(canary, "join-room", "chat:canary").get(CANARY_BOUND_MS * 2,
                                TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("the canary's ack did not come back: " + e, e);
                    }
                    slowestAck.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                    acks.incrementAndGet();
                    sleepQuietly(100);
                }
            });
            long started = System.nanoTime();
            long refused = attack(port, SESSIONS, CONNECTS_PER_SESSION, "flood");
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            attacking.set(false);
            canaryDone.get(CANARY_BOUND_MS * 3, TimeUnit.MILLISECONDS);

            assertEquals((long) SESSIONS * CONNECTS_PER_SESSION, refused);
            assertTrue(acks.get() > 0, "the canary got no ack during the attack");
            assertTrue(slowestAck.get() < CANARY_BOUND_MS, "slowest canary ack " + slowestAck.get() + " ms");

            Eventually.waitUntil(10_000, () -> node.server().namespaceCount() == namespacesBefore);
            assertEquals(namespacesBefore, node.server().namespaces().size());
            Eventually.waitUntil(10_000, () -> subscriptionsBefore.equals(redis.subscriptionCounts(clientName + "-sub")));
            assertEquals(channelsBefore, redis.sync().pubsubChannels(key + "*"));
            MemoryProbe.Sample heapAfter = MemoryProbe.sample();
            long grownMiB = (heapAfter.heapAfterGc() - heapBefore.heapAfterGc()) / MemoryProbe.Sample.MIB;
            System.out.printf("%d refused CONNECTs in %d ms; canary: %d acks, slowest %d ms; heap %s -> %s%n",
                    refused, elapsedMs, acks.get(), slowestAck.get(), heapBefore, heapAfter);
            assertTrue(grownMiB < 16, "live heap grew by " + grownMiB + " MiB");

            // the canary still works, and the refusals were counted by their reason
            assertEquals("{\"ok\":true}", String.valueOf(OpsTestSupport.request(canary, "join-room", "chat:canary")
                    .get(OpsTestSupport.WAIT, TimeUnit.SECONDS)));
        }
    }

    @Test
    void maxNamespacesAnswersConnectErrorCountedInMetrics() throws Exception {
        try (OpsTestSupport ops = new OpsTestSupport(dir)) {
            // "/" and the admin namespace are live from the start: room for one more
            SwitchboardServer node = ops.start("limits:", "  maxNamespaces: 3",
                    "connectionStateRecovery:", "  enabled: false");
            assertEquals(2, node.server().namespaceCount());
            assertEquals(0.0, refusals(ops, node), "registered at 0 from the start");
            Map<String, String> auth = Map.of("token", OpsTestSupport.token("ada"));

            ops.connected(node, "/team-a", auth);
            assertEquals("connect_error: Namespace limit reached", ops.connect(ops.socket(node, "/team-b", auth)));
            assertEquals(1.0, refusals(ops, node));
            assertEquals(3, node.server().namespaceCount());
            ops.connected(node, "/team-a", auth);   // a live namespace takes more sockets whatever the cap

            // the packaged server removes an emptied child: its place is free again
            node.server().namespaces().get("/team-a").disconnectSockets(false);
            Eventually.waitUntil(10_000, () -> !node.server().namespaces().containsKey("/team-a"));
            assertEquals("connect", ops.connect(ops.socket(node, "/team-b", auth)));
        }
    }

    private static double refusals(OpsTestSupport ops, SwitchboardServer node) throws Exception {
        return PrometheusText.parse(ops.get(node, "/metrics").body()).samples().stream()
                .filter(sample -> sample.name().equals("switchboard_connect_refused_total")
                        && "namespace_limit".equals(sample.labels().get("reason")))
                .mapToDouble(PrometheusText.Sample::value).sum();
    }

    /**
     * Sessions that each send CONNECTs without a token to names never used before, in batches, and read every
     * answer; returns how many were refused (CONNECT_ERROR), failing on any other answer.
     */
    private static long attack(int port, int sessions, int connectsEach, String tag) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                results.add(pool.submit(() -> {
                    long refused = 0;
                    try (RawWebSocket ws = RawWebSocket.open(port, 0)) {
                        String open = ws.readText();
                        assertTrue(open.startsWith("0{"), open);
                        for (int sent = 0; sent < connectsEach; sent += BATCH) {
                            int batch = Math.min(BATCH, connectsEach - sent);
                            for (int i = 0; i < batch; i++) {
                                ws.sendText("40/" + tag + "-" + session + "-" + (sent + i) + ",");
                            }
                            for (int read = 0; read < batch; ) {
                                String answer = ws.readText();
                                if ("2".equals(answer)) {
                                    ws.sendText("3");
                                    continue;
                                }
                                assertTrue(answer != null && answer.startsWith("44/" + tag + "-"), answer);
                                refused++;
                                read++;
                            }
                        }
                    }
                    return refused;
                }));
            }
            long refused = 0;
            for (Future<Long> result : results) {
                refused += result.get(5, TimeUnit.MINUTES);
            }
            return refused;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
