package io.switchboard.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client bundle, the demo page and the development token endpoint, through a real server. */
class WebHttpTest {
    private static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes!!";

    @TempDir
    Path dir;

    private final List<SwitchboardServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        servers.forEach(SwitchboardServer::close);
    }

    private String start(String... yaml) throws IOException {
        List<String> lines = new ArrayList<>(List.of("server:", "  host: 127.0.0.1", "  port: 0",
                "presence:", "  enabled: false"));
        lines.addAll(List.of(yaml));
        lines.add("");
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, String.join("\n", lines));
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of()));
        servers.add(server);
        server.start();
        return "http://127.0.0.1:" + server.address().getPort();
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheClientBundleWithEtagAnd304() throws Exception {
        String base = start("auth:", "  secret: " + SECRET);
        for (String name : ClientBundleHttpHandler.FILES) {
            HttpResponse<String> response = get(base + "/socket.io/" + name);
            assertEquals(200, response.statusCode(), name);
            assertTrue(response.body().length() > 1000, name);
            String etag = response.headers().firstValue("etag").orElseThrow();
            assertEquals("public, max-age=0", response.headers().firstValue("cache-control").orElseThrow());
            assertTrue(response.headers().firstValue("content-type").orElseThrow()
                    .startsWith(name.endsWith(".map") ? "application/json" : "application/javascript"));
            HttpResponse<String> again = get(base + "/socket.io/" + name, "If-None-Match", etag);
            assertEquals(304, again.statusCode(), name);
            assertEquals("", again.body());
            assertEquals(etag, again.headers().firstValue("etag").orElseThrow());
        }
        assertTrue(get(base + "/socket.io/socket.io.min.js").body().contains("io"));
        // the Engine.IO path still answers handshakes, and other file names are not served
        assertEquals(200, get(base + "/socket.io/?EIO=4&transport=polling").statusCode());
        assertEquals(404, get(base + "/socket.io/other.js").statusCode());
    }

    @Test
    void serveClientFalseLeavesTheBundleOut() throws Exception {
        String base = start("auth:", "  secret: " + SECRET, "web:", "  serveClient: false", "  demo: false");
        assertEquals(404, get(base + "/socket.io/socket.io.js").statusCode());
        assertEquals(404, get(base + "/").statusCode());
        assertEquals(404, get(base + "/dev/token?sub=alice").statusCode());
    }

    @Test
    void servesTheDemoPageWithTheEnginePath() throws Exception {
        String base = start("auth:", "  secret: " + SECRET);
        HttpResponse<String> page = get(base + "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"/socket.io/socket.io.min.js\"></script>"));
        assertFalse(page.body().contains("__ENGINE_PATH__"));
        String etag = page.headers().firstValue("etag").orElseThrow();
        assertEquals(304, get(base + "/", "If-None-Match", etag).statusCode());
    }

    @Test
    void devTokensOnlyWithTheDevelopmentSecret() throws Exception {
        String secured = start("auth:", "  secret: " + SECRET);
        assertEquals(404, get(secured + "/dev/token?sub=alice").statusCode());

        String dev = start("auth:", "  allowDevelopmentSecret: true");
        HttpResponse<String> response = get(dev + "/dev/token?sub=alice&org=acme");
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.headers().firstValue("cache-control").orElseThrow());
        String token = response.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"sub\":\"alice\""), payload);
        assertTrue(payload.contains("\"orgId\":\"acme\""), payload);
        assertNotNull(payload);
        assertEquals(400, get(dev + "/dev/token").statusCode());
        assertEquals(400, get(dev + "/dev/token?sub=bad%20name").statusCode());
    }
}
