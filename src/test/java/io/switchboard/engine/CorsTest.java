package io.switchboard.engine;

import static io.switchboard.engine.TestServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Point 9: cross-origin headers from the configured policy, preflights, and allowRequest refusals. */
class CorsTest {
    private static final String GOOD = "https://good.example";
    private static final String EVIL = "https://evil.example";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    private HttpResponse<String> preflight(String origin) throws Exception {
        return server.send(server.request("EIO=4&transport=polling", "Origin", origin,
                        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,x-token")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void listedOriginIsAllowedAndOthersAreNot() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.origins(Set.of(GOOD), false)));

        HttpResponse<String> good = server.get("EIO=4&transport=polling", "Origin", GOOD);
        assertEquals(200, good.statusCode());
        assertEquals(Optional.of(GOOD), header(good, "access-control-allow-origin"));
        assertEquals(Optional.empty(), header(good, "access-control-allow-credentials"));
        assertTrue(good.headers().allValues("vary").stream().anyMatch(v -> v.toLowerCase().contains("origin")));

        HttpResponse<String> evil = server.get("EIO=4&transport=polling", "Origin", EVIL);
        assertEquals(200, evil.statusCode(), "CORS is for the browser to enforce; the server only withholds headers");
        assertEquals(Optional.empty(), header(evil, "access-control-allow-origin"));
        assertEquals(Optional.empty(), header(evil, "access-control-allow-credentials"));

        HttpResponse<String> none = server.get("EIO=4&transport=polling");
        assertEquals(Optional.empty(), header(none, "access-control-allow-origin"));
    }

    @Test
    void anyOriginIsReflectedWithCredentials() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.anyOrigin(true)));

        for (String origin : List.of(GOOD, EVIL, "http://localhost:8080")) {
            HttpResponse<String> response = server.get("EIO=4&transport=polling", "Origin", origin);
            assertEquals(Optional.of(origin), header(response, "access-control-allow-origin"));
            assertEquals(Optional.of("true"), header(response, "access-control-allow-credentials"));
        }
    }

    @Test
    void corsHeadersOnPollsPostsAndErrors() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.origins(Set.of(GOOD), true)));
        String sid = server.handshake().sid();

        HttpResponse<String> post = server.post(TestServer.pollingQuery(sid), "4hi", "Origin", GOOD);
        assertEquals("ok", post.body());
        assertEquals(Optional.of(GOOD), header(post, "access-control-allow-origin"));
        assertEquals(Optional.of("true"), header(post, "access-control-allow-credentials"));

        server.session(sid).send(OutboundPacket.message("x"));
        HttpResponse<String> poll = server.get(TestServer.pollingQuery(sid), "Origin", GOOD);
        assertEquals("4x", poll.body());
        assertEquals(Optional.of(GOOD), header(poll, "access-control-allow-origin"));

        HttpResponse<String> error = server.get("EIO=4&transport=tobi", "Origin", GOOD);
        assertError(error, 400, 0, "Transport unknown");
        assertEquals(Optional.of(GOOD), header(error, "access-control-allow-origin"));

        HttpResponse<String> evilError = server.get("EIO=4&transport=tobi", "Origin", EVIL);
        assertEquals(Optional.empty(), header(evilError, "access-control-allow-origin"));
    }

    @Test
    void preflightFromAnAllowedOrigin() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.origins(Set.of(GOOD), true)));

        HttpResponse<String> response = preflight(GOOD);

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertEquals(Optional.of(GOOD), header(response, "access-control-allow-origin"));
        assertEquals(Optional.of("true"), header(response, "access-control-allow-credentials"));
        String methods = header(response, "access-control-allow-methods").orElse("");
        assertTrue(methods.contains("GET") && methods.contains("POST"), methods);
        assertEquals(Optional.of("content-type,x-token"), header(response, "access-control-allow-headers"));
        assertEquals(0, server.server.sessionCount(), "a preflight opens no session");
    }

    @Test
    void preflightFromADisallowedOriginGetsNoAllowHeaders() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.origins(Set.of(GOOD), true)));

        HttpResponse<String> response = preflight(EVIL);

        assertEquals(Optional.empty(), header(response, "access-control-allow-origin"));
        assertEquals(Optional.empty(), header(response, "access-control-allow-methods"));
        assertEquals(Optional.empty(), header(response, "access-control-allow-headers"));
        assertEquals(Optional.empty(), header(response, "access-control-allow-credentials"));
    }

    @Test
    void configuredAllowedHeadersAndMaxAge() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(new CorsOptions(Set.of(GOOD), false,
                List.of("GET", "POST"), List.of("x-custom"), 600)));

        HttpResponse<String> response = preflight(GOOD);

        assertEquals(Optional.of("GET,POST"), header(response, "access-control-allow-methods"));
        assertEquals(Optional.of("x-custom"), header(response, "access-control-allow-headers"));
        assertEquals(Optional.of("600"), header(response, "access-control-max-age"));
    }

    @Test
    void corsDisabledSendsNoCorsHeaders() throws Exception {
        server = TestServer.start();

        HttpResponse<String> response = server.get("EIO=4&transport=polling", "Origin", GOOD);

        assertEquals(200, response.statusCode());
        assertFalse(response.headers().map().keySet().stream().anyMatch(h -> h.startsWith("access-control-")),
                response.headers().map().toString());
    }

    @Test
    void allowRequestRefusalIs403WithTheRefusalAsMessage() throws Exception {
        server = TestServer.start(TestServer.quietOptions().cors(CorsOptions.origins(Set.of(GOOD), false))
                .allowRequest(request -> CompletableFuture.completedFuture(
                        "let-me-in".equals(request.header("x-token")) ? null : "no \"token\", no entry")));

        HttpResponse<String> refused = server.get("EIO=4&transport=polling", "Origin", GOOD);
        assertError(refused, 403, 4, "no \"token\", no entry");
        assertEquals(Optional.of(GOOD), header(refused, "access-control-allow-origin"));
        assertEquals(403, WsClient.refusedStatus(server.wsUri("EIO=4&transport=websocket")));
        assertEquals(0, server.server.sessionCount());

        assertEquals(200, server.get("EIO=4&transport=polling", "x-token", "let-me-in").statusCode());
        assertEquals(1, server.server.sessionCount());
    }

    @Test
    void allowRequestMayDecideLater() throws Exception {
        CompletableFuture<String> verdict = new CompletableFuture<>();
        server = TestServer.start(TestServer.quietOptions().allowRequest(request -> verdict));

        CompletableFuture<HttpResponse<String>> handshake = server.getAsync("EIO=4&transport=polling");
        TestServer.assertPending(handshake, 150);
        verdict.complete("later: no");

        assertError(TestServer.await(handshake), 403, 4, "later: no");
    }

    @Test
    void allowRequestThatFailsRefusesWithForbidden() throws Exception {
        server = TestServer.start(TestServer.quietOptions().allowRequest(request -> {
            throw new IllegalStateException("boom");
        }));
        assertError(server.get("EIO=4&transport=polling"), 403, 4, "Forbidden");

        server.close();
        server = TestServer.start(TestServer.quietOptions().allowRequest(
                request -> CompletableFuture.failedFuture(new IllegalStateException("boom"))));
        assertError(server.get("EIO=4&transport=polling"), 403, 4, "Forbidden");
    }

    @Test
    void allowRequestSeesTheHandshake() throws Exception {
        CompletableFuture<HandshakeRequest> seen = new CompletableFuture<>();
        server = TestServer.start(TestServer.quietOptions().allowRequest(request -> {
            seen.complete(request);
            return CompletableFuture.completedFuture(null);
        }));

        String sid = server.handshake("X-Token", "abc").sid();

        HandshakeRequest request = TestServer.await(seen);
        assertEquals("GET", request.method());
        assertEquals("polling", request.queryParam("transport"));
        assertEquals("abc", request.header("X-Token"));
        assertEquals("127.0.0.1", request.remoteAddress().getAddress().getHostAddress());
        assertEquals(request, server.session(sid).request());
    }
}
