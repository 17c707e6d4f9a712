package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;

/**
 * Switchboard nodes in this JVM on one Redis, under a key prefix of their own (tests never see each other's
 * messages), and the clients of one test. Closing closes everything.
 */
final class ClusterFixture implements AutoCloseable {
    final String key;
    final RedisTestSupport redis = RedisTestSupport.open();
    final List<Node> nodes = new ArrayList<>();
    private final List<TestClient> clients = new CopyOnWriteArrayList<>();
    private final java.util.Set<Integer> closedNodes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One Switchboard server with its Redis adapter factory. */
    record Node(int index, Server server, RedisAdapterFactory factory, int port, String clientName) {
        RedisClusterAdapter adapter(String namespace) {
            return (RedisClusterAdapter) server.of(namespace).adapter();
        }
    }

    private ClusterFixture(String key) {
        this.key = key;
    }

    static ClusterFixture start(int count) throws InterruptedException {
        return start(count, options -> { });
    }

    static ClusterFixture start(int count, Consumer<RedisAdapterOptions> tweak) throws InterruptedException {
        return start(count, tweak, options -> { });
    }

    /** The same with server options of the test's own (the adapter is set afterwards). */
    static ClusterFixture start(int count, Consumer<RedisAdapterOptions> tweak, Consumer<ServerOptions> serverTweak)
            throws InterruptedException {
        ClusterFixture fixture = new ClusterFixture("sbtest-" + Ids.random(8).replace('-', 'x').replace('_', 'y'));
        try {
            for (int i = 0; i < count; i++) {
                fixture.addNode(tweak, serverTweak);
            }
            fixture.awaitReady("/");
        } catch (RuntimeException | Error e) {
            fixture.close();
            throw e;
        }
        return fixture;
    }

    Node addNode(Consumer<RedisAdapterOptions> tweak) throws InterruptedException {
        return addNode(tweak, options -> { });
    }

    Node addNode(Consumer<RedisAdapterOptions> tweak, Consumer<ServerOptions> serverTweak)
            throws InterruptedException {
        int index = nodes.size();
        String clientName = key + "-n" + index;
        RedisAdapterOptions options = new RedisAdapterOptions().url(RedisTestSupport.url()).key(key)
                .requestsTimeout(2_000).clientName(clientName);
        tweak.accept(options);
        RedisAdapterFactory factory = RedisAdapterFactory.connect(options);
        ServerOptions serverOptions = new ServerOptions();
        serverTweak.accept(serverOptions);
        Server server = new Server(serverOptions.adapter(factory));
        int port = server.start("127.0.0.1", 0).getPort();
        Node node = new Node(index, server, factory, port, clientName);
        nodes.add(node);
        return node;
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** Waits until every node subscribed to the namespace and Redis counts them all. */
    void awaitReady(String namespace) {
        for (Node node : nodes) {
            TestClient.await(node.adapter(namespace).subscribed());
        }
        if (nodes.get(0).factory().options().sharded()) {
            awaitShardNumsub(key + "#" + namespace + "#", nodes.size());
        } else {
            awaitNumsub(key + "-request#" + namespace + "#", nodes.size());
        }
    }

    void awaitNumsub(String channel, long expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(channel, false) != expected) {
            if (System.nanoTime() > deadline) {
                fail("NUMSUB " + channel + " stayed at " + count(channel, false) + ", expected " + expected);
            }
            sleep(20);
        }
    }

    void awaitShardNumsub(String channel, long expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(channel, true) != expected) {
            if (System.nanoTime() > deadline) {
                fail("SHARDNUMSUB " + channel + " stayed at " + count(channel, true) + ", expected " + expected);
            }
            sleep(20);
        }
    }

    /**
     * What Redis counts on the channel, asked the way the adapters ask (so on a Redis Cluster too): through the
     * first node still open, else the shared Redis of the single-Redis tests.
     */
    long count(String channel, boolean shard) {
        for (Node node : nodes) {
            if (!closedNodes.contains(node.index())) {
                try {
                    return node.factory().numsub(channel, shard).get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    return -1;
                }
            }
        }
        return shard ? redis.shardNumsub(channel) : redis.numsub(channel);
    }

    TestClient connect(int node, String namespace) {
        return connect(node, namespace, Map.of());
    }

    TestClient connect(int node, String namespace, Map<String, String> auth) {
        TestClient client = TestClient.connect(nodes.get(node).port(), namespace, auth);
        clients.add(client);
        // the server runs its connection handlers a moment after the CONNECT reply; joins made there must be in
        awaitServerSocket(node, namespace, client.id());
        return client;
    }

    private void awaitServerSocket(int node, String namespace, String id) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (nodes.get(node).server().of(namespace).localSocket(id) == null) {
            if (System.nanoTime() > deadline) {
                fail("socket " + id + " never appeared on node " + node);
            }
            sleep(5);
        }
        sleep(20);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls until the condition holds (at most 10 s). */
    static void eventually(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            sleep(20);
        }
    }

    /** Closes one node's server (and with it its adapters), once. */
    void closeNode(int index) {
        Node node = nodes.get(index);
        if (closedNodes.add(index)) {
            node.server().close();
            node.factory().close();
        }
    }

    @Override
    public void close() {
        for (TestClient client : clients) {
            client.close();
        }
        for (int i = 0; i < nodes.size(); i++) {
            closeNode(i);
        }
        redis.close();
    }
}
