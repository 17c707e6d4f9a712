package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** server.allowEIO3 lets Engine.IO 3 clients in; off unless told, as in the reference server. */
class AllowEio3ConfigTest {

    @Test
    void theEnvironmentVariableTurnsItOn() {
        assertEquals("SWITCHBOARD_ALLOW_EIO3", ConfigKeys.ALLOW_EIO3.env());
        assertTrue(allowEio3(Map.of("SWITCHBOARD_ALLOW_EIO3", "true")));
    }

    @Test
    void offUnlessTold() {
        assertFalse(allowEio3(Map.of()));
    }

    @Test
    void aValueThatIsNoBooleanStopsTheServer() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("SWITCHBOARD_ALLOW_EIO3", "maybe"), Map.of()));
        assertTrue(error.getMessage().contains("server.allowEIO3"), error.getMessage());
    }

    private static boolean allowEio3(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("SWITCHBOARD_PRESENCE_ENABLED", "false");
        all.put("SWITCHBOARD_AUTH_SECRET", "an-eio3-config-test-secret-of-32-bytes!!!");
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(null, all, Map.of()));
        try {
            return server.server().options().engine().allowEIO3();
        } finally {
            server.close();
        }
    }
}
