package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * A server on the public development secret stays on loopback unless told where to listen: anyone who reaches its
 * port can mint tokens for it.
 */
class ListenHostTest {
    @Test
    void theDevelopmentSecretListensOnLoopbackByDefault() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals("127.0.0.1", SwitchboardServer.listenHost(config, true));
    }

    @Test
    void aGivenHostIsKeptEvenWithTheDevelopmentSecret() {
        Config fromEnv = ConfigLoader.load(null, Map.of("SWITCHBOARD_HOST", "0.0.0.0"), Map.of());
        assertEquals("0.0.0.0", SwitchboardServer.listenHost(fromEnv, true));
        Config fromCli = ConfigLoader.load(null, Map.of(), Map.of(ConfigKeys.HOST, "::"));
        assertEquals("::", SwitchboardServer.listenHost(fromCli, true));
    }

    @Test
    void aRealKeyListensWhereTheConfigurationSays() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(config.get(ConfigKeys.HOST), SwitchboardServer.listenHost(config, false));
        assertEquals("0.0.0.0", config.get(ConfigKeys.HOST));
    }

    @Test
    void theDemoPageAddressIsOneABrowserOpens() {
        assertEquals("http://localhost:3000/", SwitchboardServer.pageUrl("0.0.0.0", 3000));
        assertEquals("http://127.0.0.1:3001/", SwitchboardServer.pageUrl("127.0.0.1", 3001));
        assertEquals("http://[::1]:3002/", SwitchboardServer.pageUrl("::1", 3002));
    }
}
