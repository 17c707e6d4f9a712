package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** server.ioThreads reaches the engine; 0, the default, leaves it at one event loop per core. */
class IoThreadsConfigTest {

    @Test
    void theConfiguredCountReachesTheEngine() {
        assertEquals(3, ioThreads(Map.of("SWITCHBOARD_IO_THREADS", "3")));
    }

    @Test
    void zeroMeansOnePerCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), ioThreads(Map.of()));
    }

    private static int ioThreads(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("SWITCHBOARD_PRESENCE_ENABLED", "false");
        all.put("SWITCHBOARD_AUTH_SECRET", "an-io-threads-config-test-secret-of-32-bytes");
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(null, all, Map.of()));
        try {
            return server.server().options().engine().ioThreads();
        } finally {
            server.close();
        }
    }
}
