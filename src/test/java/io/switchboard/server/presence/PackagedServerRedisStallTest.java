package io.switchboard.server.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.switchboard.adapter.redis.RedisProcess;
import io.switchboard.server.SwitchboardServer;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged server as the compose cluster runs it (Redis adapter, connection state recovery in Redis, presence
 * on), with its Redis (a redis-server of this test's own) stalled by SIGSTOP: same-node room messages and new
 * connections, whose presence is written to Redis, go on well within the stall.
 */
class PackagedServerRedisStallTest {
    /** Well under the stall, which lasts past Redis's command timeout (10 s here). */
    private static final long BOUND_MS = 4_000;

    private final PresenceTestSupport support = new PresenceTestSupport();
    private RedisProcess redis;

    @AfterEach
    void close() throws Exception {
        if (redis != null) {
            redis.resume();
        }
        support.close();
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void roomMessagesAndConnectsDoNotWaitForAStalledRedis() throws Exception {
        redis = RedisProcess.start();
        SwitchboardServer node = support.node("redis", Map.of("REDIS_URL", redis.url(),
                "REDIS_REQUESTS_TIMEOUT", "10000"));
        PresenceTestSupport.Client alice = support.connect(node, "alice", "acme");
        PresenceTestSupport.Client bob = support.connect(node, "bob", "acme");
        BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        alice.socket.on("room-message", args -> messages.add(args[0]));
        alice.join("chat:lobby");
        bob.join("chat:lobby");
        say(bob, "before");
        assertNotNull(messages.poll(10, TimeUnit.SECONDS), "a room message before the stall");

        redis.pause();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            say(bob, "during-" + i);
            Object message = messages.poll(BOUND_MS, TimeUnit.MILLISECONDS);
            assertNotNull(message, "a same-node room message waited for the stalled Redis");
            assertTrue(message.toString().contains("during-" + i), message.toString());
            assertWithinBound("a same-node room message", start);
        }
        long start = System.nanoTime();
        PresenceTestSupport.Client carol = support.connect(node, "carol", "acme");
        assertWithinBound("a new connection (its presence written to Redis)", start);
        assertEquals(true, carol.socket.connected());
        redis.resume();

        say(bob, "after");
        assertNotNull(messages.poll(10, TimeUnit.SECONDS), "a room message after the stall");
    }

    private static void say(PresenceTestSupport.Client client, String text) throws Exception {
        client.socket.emit("room-message", new JSONObject(Map.of("roomId", "chat:lobby", "message", text)));
    }

    private static void assertWithinBound(String what, long startNanos) {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(elapsed < BOUND_MS, what + " took " + elapsed + " ms while Redis was stalled");
    }
}
