package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.core.AckTimeoutException;
import io.switchboard.core.BroadcastOperator;
import io.switchboard.protocol.EventArgs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Broadcasts with acknowledgements and server-side emits across three nodes. */
class AckClusterTest extends ThreeNodeCluster {
    @BeforeEach
    void start() throws InterruptedException {
        startCluster(options -> { }, Map.of());
    }

    private static Set<String> ids(List<JsonNode> answers) {
        Set<String> ids = new TreeSet<>();
        answers.forEach(answer -> ids.add(answer.path("id").asText()));
        return ids;
    }

    @Test
    void broadcastWithAckCollectsEveryClient() {
        List<JsonNode> answers = TestClient.await(server(0).sockets().timeout(3_000).emitWithAck("ask", "ping"));
        assertEquals(new TreeSet<>(Set.of(a.id(), b.id(), c.id())), ids(answers));
        answers.forEach(answer -> assertEquals("ping", answer.path("echo").asText()));
    }

    @Test
    void broadcastWithAckToARoomWithoutMembersOnSomeNodes() {
        server(2).sockets().localSocket(c.id()).join("k");
        List<JsonNode> answers = TestClient.await(server(0).to("k").timeout(3_000).emitWithAck("ask", "room"));
        assertEquals(Set.of(c.id()), ids(answers));
    }

    @Test
    void broadcastWithAckTimesOutWithPartialAnswers() {
        b.silent = true;
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        List<JsonNode> partial = new CopyOnWriteArrayList<>();
        server(0).sockets().timeout(700).emit("ask", "partial", (BroadcastOperator.BroadcastAck) (error, got) -> {
            partial.addAll(got);
            failure.complete(error);
        });
        assertInstanceOf(AckTimeoutException.class, TestClient.await(failure));
        assertEquals(new TreeSet<>(Set.of(a.id(), c.id())), ids(partial));
    }

    @Test
    void serverSideEmitReachesTheOtherNodesOnly() {
        List<String> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            int node = i;
            server(i).sockets().onServerSideEmit("sync", (args, ack) -> seen.add(node + ":" + args.get(0).asText()));
        }
        server(1).serverSideEmit("sync", "x");
        ClusterFixture.eventually("both others got it", () -> seen.size() == 2);
        ClusterFixture.sleep(200);
        assertEquals(Set.of("0:x", "2:x"), Set.copyOf(seen));
    }

    @Test
    void serverSideEmitWithAckCollectsOneAnswerPerNode() {
        for (int i = 0; i < 3; i++) {
            int node = i;
            server(i).sockets().onServerSideEmit("count", (args, ack) -> ack.accept(
                    new EventArgs().toNode("node" + node + ":" + args.get(0).asInt())));
        }
        ArrayNode answers = TestClient.await(server(0).sockets().serverSideEmitWithAck(0, "count", 7));
        Set<String> got = new TreeSet<>();
        answers.forEach(answer -> got.add(answer.asText()));
        assertEquals(Set.of("node1:7", "node2:7"), got);
    }

    @Test
    void serverSideEmitWithAckTimesOutWithWhatCame() {
        server(1).sockets().onServerSideEmit("slow", (args, ack) -> ack.accept(new EventArgs().toNode("one")));
        server(2).sockets().onServerSideEmit("slow", (args, ack) -> { });
        Throwable error = TestClient.awaitFailure(server(0).sockets().serverSideEmitWithAck(500, "slow"));
        ClusterTimeoutException timeout = assertInstanceOf(ClusterTimeoutException.class, error);
        assertEquals("timeout reached: only 1 responses received out of 2", timeout.getMessage());
        assertEquals(1, timeout.responses().size());
        assertEquals("one", timeout.responses().get(0).asText());
    }

    @Test
    void serverCountIsTheNumberOfNodes() {
        for (int i = 0; i < 3; i++) {
            assertEquals(3, TestClient.await(server(i).sockets().adapter().serverCount()));
        }
        assertTrue(cluster.node(0).adapter("/").uid().length() == 6);
    }
}
