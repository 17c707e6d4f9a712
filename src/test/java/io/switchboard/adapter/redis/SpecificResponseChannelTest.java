package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** With publishOnSpecificResponseChannel, answers go to the requester's own channel, and requests still complete. */
class SpecificResponseChannelTest {
    @Test
    void requestsCompleteOverRequesterChannels() throws InterruptedException {
        try (ClusterFixture cluster = ClusterFixture.start(2, options -> options.publishOnSpecificResponseChannel(true))) {
            cluster.connect(0, "/");
            cluster.connect(1, "/");
            assertEquals(2, TestClient.await(cluster.node(0).server().fetchSockets()).size());
            List<JsonNode> answers = TestClient.await(cluster.node(1).server().sockets().timeout(3_000)
                    .emitWithAck("ask", "x"));
            assertEquals(2, answers.size());
            assertEquals(2, TestClient.await(cluster.node(1).server().sockets().adapter().allRooms()).size());
        }
    }
}
