package io.switchboard.adapter.redis;

import io.switchboard.testsupport.TcpProxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisURI;
import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Losing Redis: local delivery goes on, cluster operations fail fast, and Lettuce reconnects and subscribes again by
 * itself, so that fan-out between nodes resumes without a restart. The shared Redis is never stopped: connections
 * are killed by id, or cut at a relay in front of Redis.
 */
class RedisOutageTest {
    private ClusterFixture cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Server server(int node) {
        return cluster.node(node).server();
    }

    /** Emits from {@code from} until {@code to} receives it: cross-node delivery works (again). */
    private void awaitFanOut(int from, TestClient to, String event) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            server(from).to(to.id()).emit(event);
            Object[] got = pollQuietly(to, 200);
            if (got != null && event.equals(got[0])) {
                to.inbox.clear();
                return;
            }
        }
        throw new AssertionError("fan-out from node " + from + " to " + to.id() + " did not resume");
    }

    private static Object[] pollQuietly(TestClient client, long millis) {
        try {
            return client.inbox.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void killedPubSubConnectionResubscribes() throws Exception {
        cluster = ClusterFixture.start(3);
        TestClient a = cluster.connect(0, "/");
        TestClient b = cluster.connect(1, "/");
        String request = cluster.key + "-request#/#";

        assertEquals(1, cluster.redis.kill(cluster.node(1).clientName() + "-sub"));
        server(1).emit("local-during-outage");
        assertEquals("local-during-outage", b.next()[0]);

        cluster.awaitNumsub(request, 3);
        awaitFanOut(0, b, "resumed-to-b");
        awaitFanOut(1, a, "resumed-from-b");
        assertEquals(3, TestClient.await(server(1).sockets().adapter().serverCount()));
        assertEquals(2, TestClient.await(server(0).fetchSockets()).size());
    }

    @Test
    void killedCommandConnectionReconnects() throws Exception {
        cluster = ClusterFixture.start(2);
        TestClient a = cluster.connect(0, "/");
        TestClient b = cluster.connect(1, "/");

        assertEquals(1, cluster.redis.kill(cluster.node(0).clientName() + "-pub"));
        server(0).emit("local-anyway");
        assertEquals("local-anyway", a.next()[0]);
        awaitFanOut(0, b, "resumed");
        assertEquals(2, TestClient.await(server(0).fetchSockets()).size());
    }

    @Test
    void redisDownFailsClusterOperationsFastAndRecovers() throws Exception {
        RedisURI direct = RedisURI.create(RedisTestSupport.url());
        try (TcpProxy proxy = new TcpProxy(direct.getHost(), direct.getPort())) {
            String viaProxy = RedisURI.builder(direct).withHost("127.0.0.1").withPort(proxy.port()).build()
                    .toURI().toString();
            cluster = ClusterFixture.start(1);
            cluster.addNode(options -> options.url(viaProxy));
            cluster.awaitReady("/");
            TestClient a = cluster.connect(0, "/");
            TestClient b = cluster.connect(1, "/");
            TestClient b2 = cluster.connect(1, "/");

            proxy.cut();
            ClusterFixture.eventually("node 1 notices", () -> !cluster.node(1).factory().isConnected());

            // local delivery on the node without Redis
            server(1).emit("local-only");
            assertEquals("local-only", b.next()[0]);
            assertEquals("local-only", b2.next()[0]);

            // cluster operations fail at once with a clear error
            long started = System.nanoTime();
            CompletableFuture<?> fetch = server(1).fetchSockets();
            Throwable error = TestClient.awaitFailure(fetch);
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "failed fast");
            RedisAdapterException redisError = assertInstanceOf(RedisAdapterException.class, error);
            assertTrue(redisError.getMessage().contains("Redis unreachable"), redisError.getMessage());
            assertInstanceOf(RedisAdapterException.class,
                    TestClient.awaitFailure(server(1).sockets().serverSideEmitWithAck(0, "anyone")));
            // a broadcast with acks falls back to this node's clients
            List<?> answers = TestClient.await(server(1).sockets().timeout(2_000).emitWithAck("ask", "local"));
            assertEquals(2, answers.size());

            proxy.restore();
            cluster.awaitNumsub(cluster.key + "-request#/#", 2);
            b.inbox.clear();
            awaitFanOut(0, b, "back-to-b");
            awaitFanOut(1, a, "back-from-b");
        }
    }
}
