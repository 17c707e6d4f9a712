package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;

/**
 * Two nodes broadcasting to each other ({@link MidTraffic}) while the test kills the master that carries their
 * subscriptions; delivery across the nodes must resume by itself, with nothing thrown at the callers and every local
 * delivery and acknowledgement intact. Prints (and returns) how long cross-node delivery stopped and how many
 * broadcasts each remote client missed.
 */
abstract class FailoverMidTraffic {
    private static final long DEADLINE_SECONDS = 30;

    /** What one failover cost. */
    record Cost(long resumeMillis, int lostPerRemoteClient, int broadcastsDuringOutage, int ackBroadcasts,
                int ackBroadcastsMissingRemoteAnswers) {
    }

    /** One cross-node broadcast with acks from node 0 and how many clients of node 1 answered it. */
    private record AckRound(long sentAt, int remoteAnswers) {
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<List<TestClient>> clients = new ArrayList<>();
    private MidTraffic traffic;
    private final List<AckRound> ackRounds = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<String> remoteIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean asking = true;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    void startNodes(String url, String key, boolean sharded) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            RedisAdapterFactory factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(url).key(key)
                    .sharded(sharded).requestsTimeout(2_000).clientName(key + "-n" + i));
            Server server = new Server(new ServerOptions().adapter(factory));
            ports.add(server.start("127.0.0.1", 0).getPort());
            resources.add(server::close);
            TestClient.await(((RedisClusterAdapter) server.sockets().adapter()).subscribed());
            servers.add(server);
        }
        traffic = new MidTraffic(servers);
        resources.add(traffic);
        for (int port : ports) {
            List<TestClient> local = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                TestClient client = TestClient.connect(port, "/", Map.of());
                resources.add(client::close);
                local.add(traffic.watch(client));
            }
            clients.add(local);
        }
        clients.get(1).forEach(client -> remoteIds.add(client.id()));
        traffic.start();
        Thread asker = new Thread(this::askAcrossNodes, "failover-acks");
        asker.setDaemon(true);
        asker.start();
        resources.add(() -> {
            asking = false;
            asker.join(10_000);
        });
        awaitCrossNodeTicksAfter(new int[] {traffic.lastSent(0), traffic.lastSent(1)}, "before the fault");
    }

    /** Every 100 ms node 0 asks every client of the cluster for an ack, through Redis for node 1's. */
    private void askAcrossNodes() {
        while (asking) {
            long sentAt = System.nanoTime();
            servers.get(0).sockets().timeout(3_000).emitWithAck("ask", "failover").whenComplete((answers, error) -> {
                int remote = 0;
                if (answers != null) {
                    for (com.fasterxml.jackson.databind.JsonNode answer : answers) {
                        remote += remoteIds.contains(answer.path("id").asText()) ? 1 : 0;
                    }
                }
                ackRounds.add(new AckRound(sentAt, remote));
            });
            ClusterFixture.sleep(100);
        }
    }

    /** Runs the fault, then measures until every remote client receives again what was sent after it. */
    Cost failover(String what, ThrowingRunnable fault) throws Exception {
        int[] atFault = {traffic.lastSent(0), traffic.lastSent(1)};
        long faultAt = System.nanoTime();
        fault.run();
        long resumedAt = awaitCrossNodeTicksAfter(atFault, "after " + what);
        int[] atResume = {traffic.lastSent(0), traffic.lastSent(1)};
        traffic.close();
        ClusterFixture.sleep(4_000); // what was in flight arrives, and the last ack rounds end
        List<AckRound> window = ackRounds.stream().filter(r -> r.sentAt() >= faultAt && r.sentAt() <= resumedAt)
                .toList();
        int missing = (int) window.stream().filter(r -> r.remoteAnswers() < remoteIds.size()).count();
        assertEquals(List.of(), traffic.escaped(), "nothing thrown at the callers of emit");
        assertEquals(List.of(), traffic.ackFailures(), "local acknowledgements");
        int lost = 0;
        for (int from = 0; from < 2; from++) {
            int first = atFault[from] + 1;
            int last = atResume[from];
            for (TestClient client : clients.get(1 - from)) {
                List<Integer> got = traffic.seqsFrom(client, from);
                lost = Math.max(lost, (int) java.util.stream.IntStream.rangeClosed(first, last)
                        .filter(seq -> !got.contains(seq)).count());
            }
            for (TestClient client : clients.get(from)) {
                List<Integer> got = traffic.seqsFrom(client, from);
                assertTrue(got.containsAll(java.util.stream.IntStream.rangeClosed(1, traffic.lastSent(from))
                        .boxed().toList()), "every local broadcast reached the node's own clients");
            }
        }
        Cost cost = new Cost(TimeUnit.NANOSECONDS.toMillis(resumedAt - faultAt), lost,
                Math.max(atResume[0] - atFault[0], atResume[1] - atFault[1]), window.size(), missing);
        // after the resumption, acks across the nodes are whole again
        List<AckRound> after = ackRounds.stream().filter(r -> r.sentAt() > resumedAt + 1_000_000_000L).toList();
        assertTrue(!after.isEmpty() && after.stream().allMatch(r -> r.remoteAnswers() == remoteIds.size()),
                "cross-node acks after the resumption: " + after);
        System.out.println("[failover] " + what + ": cross-node delivery resumed after " + cost.resumeMillis()
                + " ms; broadcasts lost per remote client: " + cost.lostPerRemoteClient() + " of "
                + cost.broadcastsDuringOutage() + " sent meanwhile; broadcasts with acks missing remote answers: "
                + cost.ackBroadcastsMissingRemoteAnswers() + " of " + cost.ackBroadcasts() + " sent meanwhile");
        return cost;
    }

    /** Waits until each client got a tick from the other node sent after {@code after}; when the last did. */
    private long awaitCrossNodeTicksAfter(int[] after, String when) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        long latest = 0;
        for (int to = 0; to < 2; to++) {
            int from = 1 - to;
            for (TestClient client : clients.get(to)) {
                while (true) {
                    java.util.Optional<MidTraffic.Tick> tick = traffic.received(client).stream()
                            .filter(t -> t.node() == from && t.seq() > after[from]).findFirst();
                    if (tick.isPresent()) {
                        latest = Math.max(latest, tick.get().receivedAt());
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no broadcast of node " + from + " reached a client of node " + to
                                + " " + when + " within " + DEADLINE_SECONDS + " s");
                    }
                    ClusterFixture.sleep(20);
                }
            }
        }
        return latest;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
