package io.switchboard.server.adminui;

import static io.switchboard.server.adminui.AdminUiTest.PASSWORD;
import static io.switchboard.server.adminui.AdminUiTest.adminUi;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI's page, the hosted UI's origin through CORS, and a flood of wrong logins. */
class AdminUiWebTest {
    @TempDir
    Path dir;
    private OpsTestSupport support;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() {
        support.close();
    }

    private HttpResponse<String> get(SwitchboardServer server, String path, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(OpsTestSupport.base(server) + path))
                .timeout(Duration.ofSeconds(OpsTestSupport.WAIT)).GET();
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theUiIsServedWithThisServersNamespaceAndTheHostedUisOriginPassesCors() throws Exception {
        SwitchboardServer server = support.start(adminUi("cors:", "  origins: [\"https://app.example\"]"));
        HttpResponse<String> page = get(server, "/admin-ui/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Socket.IO Admin UI</title>"), page.body());
        assertTrue(page.body().contains("localStorage.setItem(\"namespace\",\"/admin-ui\")"), page.body());
        assertTrue(page.body().contains("localStorage.setItem(\"path\",\"/socket.io\")"), page.body());
        // every script the page names is served, with its type
        Matcher scripts = Pattern.compile("src=\"(js/[^\"]+\\.js)\"").matcher(page.body());
        int found = 0;
        while (scripts.find()) {
            HttpResponse<String> script = get(server, "/admin-ui/" + scripts.group(1), null);
            assertEquals(200, script.statusCode(), scripts.group(1));
            assertTrue(script.headers().firstValue("content-type").orElse("").startsWith("application/javascript"));
            found++;
        }
        assertEquals(2, found, page.body());
        assertEquals(302, get(server, "/admin-ui", null).statusCode());

        HttpResponse<String> handshake = get(server, "/socket.io/?EIO=4&transport=polling",
                AdminUiSettings.HOSTED_UI_ORIGIN);
        assertEquals(200, handshake.statusCode());
        assertEquals(AdminUiSettings.HOSTED_UI_ORIGIN,
                handshake.headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals("true", handshake.headers().firstValue("access-control-allow-credentials").orElse(null));
        HttpResponse<String> other = get(server, "/socket.io/?EIO=4&transport=polling", "https://evil.example");
        assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty(), other.headers().toString());
    }

    @Test
    void offByDefaultTheNamespaceAndPageAreNotThere() throws Exception {
        SwitchboardServer server = support.start();
        assertEquals(404, get(server, "/admin-ui/", null).statusCode());
        // with server.namespaces "*" it is an ordinary namespace: a token opens it, the UI's credentials do not
        assertEquals("connect_error: Authentication required", support.connect(support.socket(server, "/admin-ui",
                Map.of("username", "admin", "password", PASSWORD))));
    }

    @Test
    void aFloodOfWrongLoginsIsRefusedWhileOtherClientsAreServed() throws Exception {
        SwitchboardServer server = support.start(adminUi());
        Socket canary = support.connected(server, "/", Map.of("token", token("canary")));
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Socket attempt = support.socket(server, AdminUiTest.NAMESPACE,
                    Map.of("username", "admin", "password", "guess-" + i));
            CompletableFuture<String> outcome = new CompletableFuture<>();
            attempt.once(Socket.EVENT_CONNECT, args -> outcome.complete("connect"));
            attempt.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("refused"));
            attempt.connect();
            outcomes.add(outcome);
        }
        // while they are checked (one at a time) the canary's acks are answered
        CompletableFuture<Object> echo = OpsTestSupport.request(canary, "join-room", "chat:lobby");
        assertTrue(echo.get(OpsTestSupport.WAIT, java.util.concurrent.TimeUnit.SECONDS) != null);
        for (CompletableFuture<String> outcome : outcomes) {
            assertEquals("refused", outcome.get(3 * OpsTestSupport.WAIT, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertTrue(canary.connected());
    }
}
