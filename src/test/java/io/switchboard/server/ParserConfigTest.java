package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import io.switchboard.protocol.Parser;
import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** server.parser picks the packet format of the packaged server; default unless told, anything else refused. */
class ParserConfigTest {

    @Test
    void msgpackReachesTheServer() {
        assertEquals(Parser.MSGPACK, parser(Map.of("SWITCHBOARD_PARSER", "msgpack")));
    }

    @Test
    void theDefaultParserUnlessTold() {
        assertEquals(Parser.DEFAULT, parser(Map.of()));
    }

    @Test
    void anUnknownParserStopsTheServerNamingTheChoices() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("SWITCHBOARD_PARSER", "json"), Map.of()));
        assertTrue(error.getMessage().contains("server.parser") && error.getMessage().contains("msgpack"),
                error.getMessage());
    }

    private static Parser parser(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("SWITCHBOARD_PRESENCE_ENABLED", "false");
        all.put("SWITCHBOARD_AUTH_SECRET", "a-parser-config-test-secret-of-32-bytes!!");
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(null, all, Map.of()));
        try {
            return server.server().options().parser();
        } finally {
            server.close();
        }
    }
}
