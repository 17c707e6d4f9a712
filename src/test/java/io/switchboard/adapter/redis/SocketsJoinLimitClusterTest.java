package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.switchboard.core.Socket;
import org.junit.jupiter.api.Test;

/**
 * socketsJoin from another node: the sockets the rooms would take past maxRoomsPerSocket are skipped, the others
 * join, and none of it counts as a malformed Redis message.
 */
class SocketsJoinLimitClusterTest {
    @Test
    void aFullSocketIsSkippedAndTheOthersJoin() throws InterruptedException {
        try (ClusterFixture cluster = ClusterFixture.start(2)) {
            List<TestClient> full = new ArrayList<>();
            List<TestClient> free = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                full.add(cluster.connect(1, "/"));
                free.add(cluster.connect(1, "/"));
            }
            int limit = cluster.node(1).server().options().maxRoomsPerSocket();
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < limit - 1; i++) {
                rooms.add("filler-" + i);
            }
            for (TestClient client : full) {
                cluster.node(1).server().sockets().localSocket(client.id()).join(rooms);   // with its own: full
            }
            RedisClusterAdapter adapter = cluster.node(1).adapter("/");
            long malformedBefore = adapter.malformedCount();

            cluster.node(0).server().sockets().socketsJoin("everyone");

            ClusterFixture.eventually("the free sockets joined", () -> free.stream().allMatch(client ->
                    socket(cluster, client).rooms().contains("everyone")));
            for (TestClient client : full) {
                assertTrue(!socket(cluster, client).rooms().contains("everyone"), "a full socket stays out");
            }
            assertEquals(malformedBefore, adapter.malformedCount(), "not a malformed message");
        }
    }

    private static Socket socket(ClusterFixture cluster, TestClient client) {
        return cluster.node(1).server().sockets().localSocket(client.id());
    }
}
