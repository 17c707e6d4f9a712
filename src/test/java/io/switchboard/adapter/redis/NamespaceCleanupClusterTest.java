package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Server;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dynamic namespace costs Redis subscriptions only while a socket is in it: a refused CONNECT subscribes to
 * nothing, and with {@code cleanupEmptyChildNamespaces} the child's adapter unsubscribes (channels, the broadcast
 * pattern, the sharded room channels) when its last socket leaves. Counted on this node's own subscriber connection
 * (CLIENT LIST) and by channel name under the test's key prefix, never Redis-wide: the Redis is shared.
 */
class NamespaceCleanupClusterTest {

    @ParameterizedTest(name = "sharded={0}")
    @ValueSource(booleans = {false, true})
    void anEmptiedChildUnsubscribesAndARefusedOneNeverSubscribes(boolean sharded) throws Exception {
        try (ClusterFixture cluster = ClusterFixture.start(1, options -> options.sharded(sharded),
                options -> options.cleanupEmptyChildNamespaces(true))) {
            Server server = cluster.node(0).server();
            server.of(Pattern.compile("/dyn-\\w+")).use((socket, next) -> next.accept(
                    socket.namespace().name().contains("refused") ? new ConnectError("no") : null))
                    .onConnection(socket -> socket.join("a-room"));
            String subscriber = cluster.node(0).clientName() + "-sub";
            Map<String, Long> before = cluster.redis.subscriptionCounts(subscriber);
            List<String> channelsBefore = channels(cluster, sharded);

            for (int i = 0; i < 10; i++) {
                assertEquals("no", connectError(cluster.node(0).port(), "/dyn-" + i + "refused"));
            }
            assertEquals(Set.of("/"), server.namespaces().keySet());
            assertEquals(before, cluster.redis.subscriptionCounts(subscriber), "a refused CONNECT subscribed");
            assertEquals(channelsBefore, channels(cluster, sharded));

            TestClient client = cluster.connect(0, "/dyn-1");
            ClusterFixture.eventually("the child's subscriptions are in Redis",
                    () -> channels(cluster, sharded).stream().anyMatch(name -> name.contains("#/dyn-1#")));
            Map<String, Long> during = cluster.redis.subscriptionCounts(subscriber);
            assertTrue(during.get(sharded ? "ssub" : "sub") > before.get(sharded ? "ssub" : "sub"), during::toString);
            if (sharded) {
                assertTrue(channels(cluster, true).contains(cluster.key + "#/dyn-1#a-room#"), "the room's channel");
            } else {
                assertEquals(before.get("psub") + 1, during.get("psub"), "the child's broadcast pattern");
            }

            client.close();
            ClusterFixture.eventually("the empty child is removed", () -> !server.namespaces().containsKey("/dyn-1"));
            ClusterFixture.eventually("its subscriptions are gone",
                    () -> before.equals(cluster.redis.subscriptionCounts(subscriber)));
            assertEquals(channelsBefore, channels(cluster, sharded));

            // the name serves again, subscribed anew
            TestClient again = cluster.connect(0, "/dyn-1");
            ClusterFixture.eventually("subscribed again",
                    () -> channels(cluster, sharded).stream().anyMatch(name -> name.contains("#/dyn-1#")));
            again.close();
            ClusterFixture.eventually("and gone again", () -> before.equals(cluster.redis.subscriptionCounts(subscriber)));
            assertFalse(server.namespaces().containsKey("/dyn-1"));
        }
    }

    @org.junit.jupiter.api.Test
    void aChildRemovedWhileRedisIsAwayIsNotResubscribedWhenItComesBack() throws Exception {
        io.lettuce.core.RedisURI direct = io.lettuce.core.RedisURI.create(RedisTestSupport.url());
        try (io.switchboard.testsupport.TcpProxy proxy = new io.switchboard.testsupport.TcpProxy(direct.getHost(),
                direct.getPort());
             ClusterFixture cluster = ClusterFixture.start(1)) {
            String viaProxy = io.lettuce.core.RedisURI.builder(direct).withHost("127.0.0.1").withPort(proxy.port())
                    .build().toURI().toString();
            // node 1 reaches Redis through the proxy; node 0 directly, and never has the child
            cluster.addNode(options -> options.url(viaProxy), options -> options.cleanupEmptyChildNamespaces(true));
            cluster.awaitReady("/");
            Server server = cluster.node(1).server();
            server.of(Pattern.compile("/dyn-\\w+"));
            String subscriber = cluster.node(1).clientName() + "-sub";
            Map<String, Long> before = cluster.redis.subscriptionCounts(subscriber);
            TestClient client = cluster.connect(1, "/dyn-away");
            ClusterFixture.eventually("the child subscribed",
                    () -> channels(cluster, false).stream().anyMatch(name -> name.contains("#/dyn-away#")));

            proxy.cut();
            ClusterFixture.eventually("the node notices", () -> !cluster.node(1).factory().isConnected());
            client.close();
            ClusterFixture.eventually("the empty child is removed",
                    () -> !server.namespaces().containsKey("/dyn-away"));
            proxy.restore();
            cluster.awaitNumsub(cluster.key + "-request#/#", 2);

            ClusterFixture.eventually("only the main namespace's subscriptions are back",
                    () -> before.equals(cluster.redis.subscriptionCounts(subscriber)));
            assertTrue(channels(cluster, false).stream().noneMatch(name -> name.contains("#/dyn-away#")),
                    () -> channels(cluster, false).toString());
        }
    }

    /** The channels with a subscriber under the test's key prefix (shard channels for the sharded adapter). */
    private static List<String> channels(ClusterFixture cluster, boolean sharded) {
        List<String> names = sharded ? cluster.redis.sync().pubsubShardChannels(cluster.key + "*")
                : cluster.redis.sync().pubsubChannels(cluster.key + "*");
        return names.stream().sorted().toList();
    }

    /** Connects and returns the message of the connect_error the server answered with. */
    private static String connectError(int port, String namespace) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.transports = new String[] {"websocket"};
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port + namespace), options);
        CompletableFuture<String> error = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0] instanceof org.json.JSONObject json
                ? json.optString("message") : String.valueOf(args[0])));
        socket.once(Socket.EVENT_CONNECT, args -> error.completeExceptionally(new AssertionError("connected")));
        socket.connect();
        try {
            return TestClient.await(error);
        } finally {
            socket.close();
        }
    }
}
