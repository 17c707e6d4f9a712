package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With connection state recovery in Redis, a Redis that stops answering (SIGSTOP of a redis-server of this test's
 * own) holds up nothing local: room messages between clients of the node, new connections and reconnects that
 * ask for their session all go on well within the stall, which lasts longer than Redis's command timeout.
 */
class RecoveryStallTest {
    /** Each local operation must finish well before this, while Redis commands wait 10 s for their timeout. */
    private static final long BOUND_MS = 4_000;
    private static final long STORE_TIMEOUT_MS = 1_000;

    private RedisProcess redis;
    private RedisAdapterFactory factory;
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (factory != null) {
            factory.close();
        }
    }

    @Test
    void localTrafficNewConnectionsAndReconnectsGoOnWhileRedisIsStalled() throws Exception {
        redis = RedisProcess.start();
        factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redis.url())
                .key("stall-" + Ids.random(6)).requestsTimeout(10_000));
        server = new Server(new ServerOptions().adapter(factory).recoveryStore(factory.recoveryStores())
                .connectionStateRecovery(new RecoveryOptions(60_000, true, STORE_TIMEOUT_MS)));
        server.onConnection(socket -> {
            socket.join("room");
            socket.on("say", event -> server.to("room").emit("said", event.arg(0)));
        });
        ((RedisClusterAdapter) server.of("/").adapter()).subscribed().get(10, TimeUnit.SECONDS);
        int port = server.start("127.0.0.1", 0).getPort();
        TestClient receiver = TestClient.connect(port, "/", Map.of());
        TestClient sender = TestClient.connect(port, "/", Map.of());
        sender.socket.emit("say", "before");
        assertEquals("before", receiver.next("said")[1]);

        redis.pause();
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                sender.socket.emit("say", "during-" + i);
                assertEquals("during-" + i, receiver.next("said")[1]);
                assertWithinBound("a room message between two clients of the node", start);
            }

            long start = System.nanoTime();
            TestClient fresh = TestClient.connect(port, "/", Map.of());
            assertWithinBound("a new connection", start);

            start = System.nanoTime();
            TestClient reconnecting = TestClient.connect(port, "/", Map.of("pid", "a-session-in-the-stalled-store"));
            assertWithinBound("a reconnect asking for its session", start);
            assertNotEquals(null, reconnecting.id());

            start = System.nanoTime();
            fresh.socket.emit("say", "from-the-new-one");
            assertEquals("from-the-new-one", receiver.next("said")[1]);
            assertWithinBound("a room message from the new connection", start);
            fresh.close();
            reconnecting.close();
        } finally {
            redis.resume();
        }

        // and when Redis answers again, everything carries on
        sender.socket.emit("say", "after");
        assertEquals("after", receiver.next("said")[1]);
        receiver.close();
        sender.close();
    }

    private static void assertWithinBound(String what, long startNanos) {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(elapsed < BOUND_MS, what + " took " + elapsed + " ms while Redis was stalled");
    }
}
