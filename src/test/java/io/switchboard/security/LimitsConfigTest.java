package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.switchboard.core.ServerOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.protocol.DecoderLimits;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits.* keys of the packaged server reach the server they configure, and act on real connections. */
class LimitsConfigTest {
    @TempDir
    Path dir;
    private SwitchboardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(String limitsYaml) throws Exception {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, "server:\n  host: 127.0.0.1\n  port: 0\npresence:\n  enabled: false\nauth:\n"
                + "  secret: a-limits-config-test-secret-of-32-bytes!!\n  exemptNamespaces: [\"/\"]\nlimits:\n"
                + limitsYaml);
        server = SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of()));
        return server.start().getPort();
    }

    private static String exchange(int port, String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyLimitKeyIsApplied() throws Exception {
        int port = start("  maxNamespacesPerSession: 3\n  maxAuthBytes: 1000\n  maxEventNameLength: 20\n"
                + "  maxAttachments: 0\n  maxNestingDepth: 3\n  maxHttpHeaderSize: 1024\n  maxHttpHeaderCount: 12\n"
                + "  maxHttpRequestLine: 512\n");
        ServerOptions options = server.server().options();
        assertEquals(3, options.maxNamespacesPerSession());
        assertEquals(1000, options.maxAuthBytes());
        DecoderLimits decoder = options.decoderLimits();
        assertEquals(20, decoder.maxEventNameLength());
        assertEquals(0, decoder.maxAttachments());
        assertEquals(3, decoder.maxNestingDepth());
        EngineOptions engine = options.engine();
        assertEquals(1024, engine.maxHeaderSize());
        assertEquals(12, engine.maxHeaderCount());
        assertEquals(512, engine.maxInitialLineLength());

        // and they act: a deep payload closes its connection, a long URL and big headers are refused
        try (RawClient client = RawClient.connect(port)) {
            assertTrue(client.connectTo("/", null).startsWith("0{"));
            client.send("2[\"e\",[[[1]]]]");
            client.awaitClose();
        }
        assertTrue(exchange(port, "GET /socket.io/?EIO=4&transport=polling&x=" + "y".repeat(600)
                + " HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 414 "));
        assertTrue(exchange(port, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "z".repeat(1100) + "\r\n\r\n").startsWith("HTTP/1.1 431 "));
    }

    @Test
    void theDefaultsMatchTheShippedFile() throws Exception {
        start("  maxAuthBytes: 16384\n");
        ServerOptions options = server.server().options();
        assertEquals(32, options.maxNamespacesPerSession());
        assertEquals(512, options.decoderLimits().maxEventNameLength());
        assertEquals(10, options.decoderLimits().maxAttachments());
        assertEquals(32, options.decoderLimits().maxNestingDepth());
        assertEquals(16_384, options.engine().maxHeaderSize());
        assertEquals(100, options.engine().maxHeaderCount());
        assertEquals(8_192, options.engine().maxInitialLineLength());
        // the core's own room ceiling sits above join-room's (rooms.maxRoomsPerSocket, 50)
        assertTrue(options.maxRoomsPerSocket() >= 1_000);
    }
}
