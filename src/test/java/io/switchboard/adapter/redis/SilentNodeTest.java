package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;

/**
 * A "node" that is counted (it subscribes to the request channel) but never answers: requests end at their
 * timeout, with the answers that did come, and the node keeps serving.
 */
class SilentNodeTest {
    @Test
    void requestsTimeOutWithWhatCame() throws InterruptedException {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            RedisClient raw = RedisClient.create(RedisURI.create(RedisTestSupport.url()));
            try (StatefulRedisPubSubConnection<String, String> ghost = raw.connectPubSub()) {
                ghost.sync().subscribe(cluster.key + "-request#/#");
                TestClient a = cluster.connect(0, "/");
                cluster.connect(1, "/");
                cluster.node(1).server().sockets().onServerSideEmit("q", (args, ack) -> ack.accept(
                        new io.switchboard.protocol.EventArgs().toNode("from-1")));

                long started = System.nanoTime();
                Throwable fetch = TestClient.awaitFailure(cluster.node(0).server().fetchSockets());
                assertInstanceOf(RedisAdapterException.class, fetch);
                assertEquals("timeout reached while waiting for fetchSockets response", fetch.getMessage());
                assertTrue(System.nanoTime() - started >= 1_900_000_000L, "waited for requestsTimeout");

                Throwable emit = TestClient.awaitFailure(cluster.node(0).server().sockets()
                        .serverSideEmitWithAck(0, "q"));
                ClusterTimeoutException timeout = assertInstanceOf(ClusterTimeoutException.class, emit);
                assertEquals("timeout reached: only 1 responses received out of 2", timeout.getMessage());
                assertEquals("from-1", timeout.responses().get(0).asText());

                assertInstanceOf(RedisAdapterException.class,
                        TestClient.awaitFailure(cluster.node(0).server().sockets().adapter().allRooms()));
                cluster.node(1).server().emit("still-serving");
                assertEquals("still-serving", a.next()[0]);
            } finally {
                raw.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }
}
