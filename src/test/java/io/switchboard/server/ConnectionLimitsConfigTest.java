package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.sun.management.UnixOperatingSystemMXBean;
import io.switchboard.engine.EngineOptions;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * The connection limits reach the engine from the environment; limits.maxConnections 0 is derived from the
 * descriptor limit; the health headroom exists only when health is served on the main port.
 */
class ConnectionLimitsConfigTest {

    @Test
    void theDeadlinesAndTheCapReachTheEngine() {
        EngineOptions engine = engine(Map.of("SWITCHBOARD_LIMITS_MAX_CONNECTIONS", "1234",
                "SWITCHBOARD_LIMITS_HTTP_IDLE_TIMEOUT", "1001", "SWITCHBOARD_LIMITS_REQUEST_HEAD_TIMEOUT", "1002",
                "SWITCHBOARD_LIMITS_HTTP_REQUEST_BODY_TIMEOUT", "1003",
                "SWITCHBOARD_LIMITS_WEBSOCKET_HANDSHAKE_TIMEOUT", "1004"));
        assertEquals(1234, engine.maxConnections());
        assertEquals(1001, engine.httpIdleTimeout());
        assertEquals(1002, engine.requestHeadTimeout());
        assertEquals(1003, engine.httpRequestBodyTimeout());
        assertEquals(1004, engine.websocketHandshakeTimeout());
        assertEquals(SwitchboardServer.HEALTH_HEADROOM, engine.reservedConnections());
        assertEquals(Set.of("/healthz", "/readyz", "/metrics"), engine.reservedPaths());
    }

    @Test
    void theDefaultCapLeavesATenthOfTheDescriptorLimit() {
        EngineOptions engine = engine(Map.of());
        long max = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertEquals(max - Math.max(64, max / 10), engine.maxConnections());
        assertEquals(30_000, engine.httpRequestBodyTimeout());
    }

    @Test
    void noHeadroomWhenHealthHasAPortOfItsOwn() {
        assertEquals(0, engine(Map.of("SWITCHBOARD_METRICS_PORT", "0")).reservedConnections());
    }

    private static EngineOptions engine(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("SWITCHBOARD_PRESENCE_ENABLED", "false");
        all.put("SWITCHBOARD_AUTH_SECRET", "a-connection-limits-config-test-secret-of-32-bytes");
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(null, all, Map.of()));
        try {
            return server.server().options().engine();
        } finally {
            server.close();
        }
    }
}
