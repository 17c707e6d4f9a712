package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.switchboard.adapter.redis.RedisTestSupport;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** server.clusterEngine: off by default, refused without the Redis adapter, wired into the engine with it. */
class ClusterEngineConfigTest {
    private static final String SECRET = "a-cluster-engine-test-secret-long-enough-for-hs256";

    @Test
    void offByDefault() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        assertFalse(config.get(ConfigKeys.CLUSTER_ENGINE));
        assertEquals(5_000L, config.get(ConfigKeys.CLUSTER_FORWARD_TIMEOUT));
    }

    @Test
    void refusedAtStartupWithoutTheRedisAdapter() {
        Config config = ConfigLoader.load(null, Map.of("SWITCHBOARD_CLUSTER_ENGINE", "true", "JWT_SECRET", SECRET),
                Map.of());
        StartupException refused = assertThrows(StartupException.class, () -> SwitchboardServer.create(config));
        assertTrue(refused.getMessage().contains("server.clusterEngine needs adapter.type: redis"),
                refused.getMessage());
    }

    @Test
    void withTheRedisAdapterSessionIdsNameTheirNode() {
        Config config = ConfigLoader.load(null, Map.of("SWITCHBOARD_CLUSTER_ENGINE", "true",
                "SWITCHBOARD_CLUSTER_FORWARD_TIMEOUT", "1234", "SWITCHBOARD_ADAPTER_TYPE", "redis",
                "REDIS_URL", RedisTestSupport.url(), "REDIS_KEY_PREFIX", "sbtest-ce-config-" + System.nanoTime(),
                "JWT_SECRET", SECRET), Map.of());
        SwitchboardServer server = SwitchboardServer.create(config);
        try {
            var engine = server.server().engine().options();
            assertEquals(1234L, engine.clusterForwardTimeout());
            assertEquals(6, engine.cluster().nodeTag().length());
        } finally {
            server.close();
        }
    }
}
