package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redis itself stopped and started again under two nodes: local delivery goes on, cross-node delivery resumes. */
class RedisRestartTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private record Node(Server server, int port) {
    }

    private Node node(RedisProcess redis) throws InterruptedException {
        RedisAdapterFactory factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redis.url())
                .key("restart").requestsTimeout(1_000));
        Server server = new Server(new ServerOptions().adapter(factory));
        int port = server.start("127.0.0.1", 0).getPort();
        resources.add(server::close);
        TestClient.await(((RedisAdapter) server.sockets().adapter()).subscribed());
        return new Node(server, port);
    }

    private TestClient client(Node node) {
        TestClient client = TestClient.connect(node.port(), "/", Map.of());
        resources.add(client::close);
        return client;
    }

    /** Emits from one node until the client on the other receives it. */
    private static void awaitFanOut(Node from, TestClient to, String event) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            from.server().to(to.id()).emit(event);
            Object[] got = to.inbox.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (got != null && event.equals(got[0])) {
                to.inbox.clear();
                return;
            }
        }
        throw new AssertionError("cross-node delivery of " + event + " did not resume");
    }

    @Test
    void localDeliveryGoesOnAndFanOutResumesAfterRedisRestarts() throws Exception {
        RedisProcess redis = RedisProcess.start();
        resources.add(redis);
        Node a = node(redis);
        Node b = node(redis);
        TestClient onA = client(a);
        TestClient onB = client(b);
        awaitFanOut(a, onB, "before");

        redis.stop();
        a.server().emit("local-while-down");
        assertEquals("local-while-down", onA.next()[0]);

        redis.restart();
        awaitFanOut(a, onB, "after-a-to-b");
        awaitFanOut(b, onA, "after-b-to-a");
    }
}
