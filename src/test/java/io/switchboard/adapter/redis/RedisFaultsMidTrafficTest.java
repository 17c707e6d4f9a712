package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis paused, put to sleep, and stopped then restarted under two nodes while broadcasts and acknowledgements flow
 * on both ({@link MidTraffic}), on a redis-server of the test's own. During the fault every node goes on delivering
 * its own broadcasts to its own clients, answering acks and accepting connections, and nothing throws at the
 * callers; afterwards cross-node delivery resumes by itself. What happens to the broadcasts of the fault window is
 * asserted as documented: a paused Redis delivers them late, a stopped one loses them.
 */
class RedisFaultsMidTrafficTest {
    private static final long REQUESTS_TIMEOUT = 1_000;
    private static final long FAULT_MILLIS = 6_000;
    private static final long DEADLINE_MILLIS = 20_000;
    private static final int CLIENTS_PER_NODE = 2;

    private record Node(Server server, RedisAdapterFactory factory, int port) {
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<List<TestClient>> clients = new ArrayList<>();
    private RedisProcess redis;
    private RedisClient raw;
    /** Issues the faults. */
    private StatefulRedisConnection<String, String> control;
    /** Asks whether Redis answers again. */
    private StatefulRedisConnection<String, String> probe;
    private MidTraffic traffic;

    @BeforeEach
    void startTwoNodesWithTrafficFlowing() throws Exception {
        redis = RedisProcess.start();
        resources.add(redis);
        raw = RedisClient.create(RedisURI.create(redis.url()));
        resources.add(raw::shutdown);
        control = raw.connect();
        probe = raw.connect();
        for (int i = 0; i < 2; i++) {
            nodes.add(node(i));
        }
        traffic = new MidTraffic(nodes.stream().map(Node::server).toList());
        resources.add(traffic);
        for (int i = 0; i < nodes.size(); i++) {
            List<TestClient> local = new ArrayList<>();
            for (int c = 0; c < CLIENTS_PER_NODE; c++) {
                local.add(connect(i));
            }
            clients.add(local);
        }
        traffic.start();
        awaitCrossNodeTicks("before the fault");
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private Node node(int index) throws InterruptedException {
        RedisAdapterFactory factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redis.url())
                .key("faults").requestsTimeout(REQUESTS_TIMEOUT).clientName("faults-n" + index));
        Server server = new Server(new ServerOptions().adapter(factory));
        int port = server.start("127.0.0.1", 0).getPort();
        resources.add(server::close);
        TestClient.await(((RedisAdapter) server.sockets().adapter()).subscribed());
        return new Node(server, factory, port);
    }

    private TestClient connect(int node) {
        TestClient client = TestClient.connect(nodes.get(node).port(), "/", Map.of());
        resources.add(client::close);
        return traffic.watch(client);
    }

    private Server server(int node) {
        return nodes.get(node).server();
    }

    // ---- the faults ----

    @Test
    void clientPauseLongerThanRequestsTimeout() throws Exception {
        assertEquals("OK", control.sync().clientPause(FAULT_MILLIS));
        CompletableFuture<String> over = probe.async().ping().toCompletableFuture();

        nodesKeepServingLocally(over::isDone);
        awaitQuietly(over);
        awaitCrossNodeTicks("after the pause");
        assertSubscriptionsRestored();

        int[] last = stopTrafficAndDrain();
        assertLocalDeliveryWasComplete(last);
        // a paused Redis still took the PUBLISHes in: they arrive late, none lost
        assertRemoteDeliveryWasComplete(last);
    }

    @Test
    void debugSleep() throws Exception {
        CompletableFuture<String> sleeping = RedisFaults.debugSleep(control, FAULT_MILLIS / 1000.0)
                .toCompletableFuture();
        // on the same connection, so that Redis answers it only after the sleep
        CompletableFuture<String> over = control.async().ping().toCompletableFuture();

        nodesKeepServingLocally(over::isDone);
        awaitQuietly(over);
        assertEquals("OK", sleeping.join());
        awaitCrossNodeTicks("after the sleep");
        assertSubscriptionsRestored();

        int[] last = stopTrafficAndDrain();
        assertLocalDeliveryWasComplete(last);
        assertRemoteDeliveryWasComplete(last);
    }

    @Test
    void redisStoppedAndRestartedOnTheSamePort() throws Exception {
        redis.stop();
        eventually("both nodes notice that Redis is gone",
                () -> nodes.stream().noneMatch(node -> node.factory().isConnected()));
        int[] firstLost = {traffic.lastSent(0) + 1, traffic.lastSent(1) + 1};

        nodesKeepServingLocally(() -> nodes.stream().anyMatch(node -> node.factory().isConnected()));
        int[] lastLost = {traffic.lastSent(0), traffic.lastSent(1)};
        redis.restart();
        awaitCrossNodeTicks("after the restart");
        assertSubscriptionsRestored();

        int[] last = stopTrafficAndDrain();
        assertLocalDeliveryWasComplete(last);
        // pub/sub keeps nothing for absent subscribers and the adapter refuses to queue while disconnected: what
        // was broadcast while Redis was down never reaches the other node, even after the restart
        for (int from = 0; from < nodes.size(); from++) {
            int lost0 = firstLost[from];
            int lost1 = lastLost[from];
            for (TestClient client : clients.get(1 - from)) {
                List<Integer> lostButDelivered = traffic.seqsFrom(client, from).stream()
                        .filter(seq -> seq >= lost0 && seq <= lost1).toList();
                assertEquals(List.of(), lostButDelivered, "broadcast by node " + from + " while Redis was down");
            }
        }
    }

    @Test
    void clusterRequestsInFlightDuringALongPauseFailWithTheirTimeout() throws Exception {
        CompletableFuture<Consumer<JsonNode>> reachedNode1 = new CompletableFuture<>();
        server(1).sockets().onServerSideEmit("slow", (args, ack) -> reachedNode1.complete(ack));
        server(1).sockets().onServerSideEmit("quick", (args, ack) -> ack.accept(TextNode.valueOf("quick")));

        long started = System.nanoTime();
        CompletableFuture<ArrayNode> slow = server(0).sockets().serverSideEmitWithAck(0, "slow");
        Consumer<JsonNode> lateAck = TestClient.await(reachedNode1);
        // the request is out and node 1 has it; Redis stops serving before node 1 answers
        assertEquals("OK", control.sync().clientPause(FAULT_MILLIS));
        CompletableFuture<String> over = probe.async().ping().toCompletableFuture();
        lateAck.accept(TextNode.valueOf("late"));
        long pausedAt = System.nanoTime();
        CompletableFuture<?> fetch = server(0).fetchSockets();
        CompletableFuture<List<JsonNode>> ackedBroadcast = server(0).sockets().timeout(4_000).emitWithAck("ask-all");

        Throwable timeout = TestClient.awaitFailure(slow);
        assertInstanceOf(ClusterTimeoutException.class, timeout, timeout::toString);
        assertTrue(millisSince(started) < REQUESTS_TIMEOUT + 2_000, "the request waited for Redis, not its timeout");
        // a request started while Redis is paused cannot even count the nodes: the command timeout ends it
        Throwable unreachable = TestClient.awaitFailure(fetch);
        assertInstanceOf(RedisAdapterException.class, unreachable, unreachable::toString);
        assertTrue(unreachable.getMessage().contains("Redis unreachable"), unreachable.getMessage());
        assertTrue(millisSince(pausedAt) < REQUESTS_TIMEOUT + 2_000, "fetchSockets waited for Redis");
        // a broadcast with acks settles for this node's clients: the other node cannot be counted
        assertEquals(CLIENTS_PER_NODE, TestClient.await(ackedBroadcast).size());
        assertFalse(over.isDone(), "all of that happened while Redis was still paused");

        awaitQuietly(over);
        awaitCrossNodeTicks("after the pause");
        // node 1's late answer arrived for a request that is gone; cluster requests work again
        ArrayNode quick = TestClient.await(server(0).sockets().serverSideEmitWithAck(0, "quick"));
        assertEquals(List.of("quick"), texts(quick));
        assertEquals(2 * CLIENTS_PER_NODE, TestClient.await(server(0).fetchSockets()).size());

        int[] last = stopTrafficAndDrain();
        assertLocalDeliveryWasComplete(last);
    }

    // ---- what must hold during a fault ----

    /**
     * While {@code faultOver} is false: every node still delivers its broadcasts to its clients, answers local acks,
     * and accepts a new connection whose client gets the node's broadcasts. Checked again at the end that the fault
     * had lasted all along.
     */
    private void nodesKeepServingLocally(BooleanSupplier faultOver) {
        for (int i = 0; i < nodes.size(); i++) {
            int node = i;
            int mark = traffic.lastSent(node);
            for (TestClient client : clients.get(node)) {
                eventually("a client of node " + node + " gets its node's broadcasts during the fault",
                        () -> lastSeq(client, node) > mark);
            }
            TestClient newcomer = connect(node);
            clients.get(node).add(newcomer);
            eventually("a client connecting to node " + node + " during the fault gets its broadcasts",
                    () -> lastSeq(newcomer, node) > 0);
            List<JsonNode> answers = TestClient.await(server(node).local().timeout(5_000).emitWithAck("ask-now"));
            assertEquals(clients.get(node).size(), answers.size(), "local acks during the fault");
        }
        assertFalse(faultOver.getAsBoolean(), "the fault was over before the nodes were checked; lengthen it");
        assertEquals(List.of(), traffic.escaped(), "exceptions at the callers during the fault");
    }

    // ---- what must hold after ----

    /** Each node's ticks reach the clients of the other node again, within the deadline. */
    private void awaitCrossNodeTicks(String when) {
        long started = System.nanoTime();
        for (int from = 0; from < nodes.size(); from++) {
            int node = from;
            int mark = traffic.lastSent(node);
            for (TestClient client : clients.get(1 - node)) {
                eventually("node " + node + "'s broadcasts reach node " + (1 - node) + " " + when,
                        () -> lastSeq(client, node) > mark);
            }
        }
        System.out.printf("cross-node delivery %s: within %d ms%n", when, millisSince(started));
    }

    private void assertSubscriptionsRestored() {
        eventually("both nodes subscribed to the request channel again", () -> {
            Long count = probe.sync().pubsubNumsub("faults-request#/#").get("faults-request#/#");
            return count != null && count == nodes.size();
        });
    }

    /** Stops the traffic and waits until every client has every tick of its own node; the last numbers sent. */
    private int[] stopTrafficAndDrain() throws InterruptedException {
        traffic.close();
        int[] last = new int[nodes.size()];
        for (int node = 0; node < nodes.size(); node++) {
            int n = node;
            last[node] = traffic.lastSent(node);
            for (TestClient client : clients.get(node)) {
                eventually("the last broadcast of node " + n + " reaches its client",
                        () -> lastSeq(client, n) == last[n]);
            }
        }
        assertEquals(List.of(), traffic.escaped(), "exceptions at the callers");
        assertEquals(List.of(), traffic.ackFailures(), "local ack rounds that failed");
        assertTrue(traffic.acksAnswered() > 0, "acks flowed");
        return last;
    }

    /** Every client got every broadcast of its own node from its first one on, in order, the fault notwithstanding. */
    private void assertLocalDeliveryWasComplete(int[] last) {
        for (int node = 0; node < nodes.size(); node++) {
            for (TestClient client : clients.get(node)) {
                assertContiguous(traffic.seqsFrom(client, node), last[node], "node " + node + " to its own client");
            }
        }
    }

    /** Every client got every broadcast of the other node too, from its first one on (late, maybe). */
    private void assertRemoteDeliveryWasComplete(int[] last) {
        for (int from = 0; from < nodes.size(); from++) {
            int n = from;
            for (TestClient client : clients.get(1 - from)) {
                eventually("the last broadcast of node " + n + " reaches the other node",
                        () -> lastSeq(client, n) == last[n]);
                assertContiguous(traffic.seqsFrom(client, from), last[from],
                        "node " + from + " to a client of the other node");
            }
        }
    }

    private static void assertContiguous(List<Integer> seqs, int last, String what) {
        assertFalse(seqs.isEmpty(), what + ": nothing received");
        List<Integer> expected = IntStream.rangeClosed(seqs.get(0), last).boxed().toList();
        if (!expected.equals(seqs)) {
            List<Integer> missing = new ArrayList<>(expected);
            missing.removeAll(seqs);
            fail(what + ": " + seqs.size() + " of " + expected.size() + " broadcasts, missing " + missing);
        }
    }

    // ---- helpers ----

    private int lastSeq(TestClient client, int node) {
        List<Integer> seqs = traffic.seqsFrom(client, node);
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    private static List<String> texts(ArrayNode answers) {
        List<String> texts = new ArrayList<>();
        answers.forEach(answer -> texts.add(answer.asText()));
        return texts;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void awaitQuietly(CompletableFuture<?> future) throws Exception {
        future.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            ClusterFixture.sleep(10);
        }
    }
}
