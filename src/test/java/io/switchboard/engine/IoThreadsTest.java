package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The connections are served by as many event loops as configured, one per core unless told otherwise. */
class IoThreadsTest {

    @Test
    void theDefaultIsOneEventLoopPerCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), new EngineOptions().ioThreads());
        assertThrows(IllegalArgumentException.class, () -> new EngineOptions().ioThreads(0));
    }

    @Test
    void connectionsAreSpreadOverExactlyTheConfiguredLoops() throws Exception {
        assertEquals(1, loopsServing(1, 4));
        assertEquals(3, loopsServing(3, 9));
    }

    private static int loopsServing(int ioThreads, int connections) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try (TestServer server = TestServer.start(TestServer.quietOptions().ioThreads(ioThreads))) {
            Set<SessionLoop> loops = new HashSet<>();
            for (int i = 0; i < connections; i++) {
                WsClient ws = WsClient.connect(server.wsUri("EIO=4&transport=websocket"));
                clients.add(ws);
                loops.add(server.session(TestServer.Handshake.parse(ws.nextText()).sid()).loop());
            }
            return loops.size();
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
