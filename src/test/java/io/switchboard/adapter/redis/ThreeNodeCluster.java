package io.switchboard.adapter.redis;

import java.util.Map;
import java.util.function.Consumer;

import io.switchboard.core.Server;
import org.junit.jupiter.api.AfterEach;

/** Three Switchboard nodes on one Redis with a client on each (a on node 0, b on 1, c on 2), for cluster tests. */
abstract class ThreeNodeCluster {
    protected ClusterFixture cluster;
    protected TestClient a;
    protected TestClient b;
    protected TestClient c;

    protected void startCluster(Consumer<RedisAdapterOptions> tweak, Map<String, String> authOfB)
            throws InterruptedException {
        cluster = ClusterFixture.start(3, options -> {
            topology(options);
            tweak.accept(options);
        });
        a = cluster.connect(0, "/");
        b = cluster.connect(1, "/", authOfB);
        c = cluster.connect(2, "/");
    }

    /** The Redis deployment of the test: the shared Redis here; a Redis Cluster or Sentinel in the variants. */
    protected void topology(RedisAdapterOptions options) {
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    protected Server server(int node) {
        return cluster.node(node).server();
    }

    protected void join(int node, TestClient client, String... rooms) {
        server(node).sockets().localSocket(client.id()).join(rooms);
    }
}
