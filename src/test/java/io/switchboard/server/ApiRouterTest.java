package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.api.ApiBackend;
import io.switchboard.server.api.ApiKeys;
import io.switchboard.server.api.ApiRequest;
import io.switchboard.server.api.ApiResponse;
import io.switchboard.server.api.ApiRouter;
import org.junit.jupiter.api.Test;

class ApiRouterTest {
    private static final String KEY = "router-test-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records what the router asks for. */
    static final class FakeBackend implements ApiBackend {
        final List<String> calls = new ArrayList<>();
        CompletableFuture<List<SocketView>> sockets = CompletableFuture.completedFuture(List.of(
                new SocketView("s1", Set.of("s1", "user:alice"), Map.of("user", Map.of("sub", "alice")), "10.0.0.1")));

        @Override
        public boolean namespaceExists(String namespace) {
            return !namespace.equals("/missing");
        }

        @Override
        public void emit(String namespace, Set<String> rooms, Set<String> except, String event, List<JsonNode> args) {
            calls.add("emit " + namespace + " " + rooms + " " + except + " " + event + " " + args);
        }

        @Override
        public void disconnect(String namespace, Set<String> rooms, boolean close) {
            calls.add("disconnect " + namespace + " " + rooms + " " + close);
        }

        @Override
        public CompletableFuture<List<SocketView>> sockets(String namespace, Set<String> rooms) {
            calls.add("sockets " + namespace + " " + rooms);
            return sockets;
        }
    }

    private final FakeBackend backend = new FakeBackend();
    private final ApiRouter router = new ApiRouter(new ApiKeys(List.of(KEY, "second-key-0123456789")), backend);

    private static ApiRequest request(String method, String path, Map<String, List<String>> query,
                                      Map<String, String> headers, String body) {
        return new ApiRequest(method, path, query, headers, body);
    }

    private static ApiRequest post(String path, String body) {
        return request("POST", path, Map.of(), Map.of("authorization", "Bearer " + KEY), body);
    }

    private ApiResponse handle(ApiRequest request) throws Exception {
        return router.handle(request).get(5, TimeUnit.SECONDS);
    }

    private static JsonNode body(ApiResponse response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void onlyApiPathsAreTheRouters() {
        assertTrue(ApiRouter.handles("/api/emit"));
        assertTrue(ApiRouter.handles("/api"));
        assertTrue(!ApiRouter.handles("/apis") && !ApiRouter.handles("/socket.io/"));
    }

    @Test
    void aKeyIsNeeded() throws Exception {
        ApiResponse missing = handle(request("POST", "/api/emit", Map.of(), Map.of(), "{}"));
        assertEquals(401, missing.status());
        assertEquals("unauthorized", body(missing).get("error").asText());
        assertTrue(missing.headers().get("WWW-Authenticate").startsWith("Bearer"));
        assertEquals(401, handle(request("POST", "/api/emit", Map.of(), Map.of("x-api-key", KEY + "!"), "{}"))
                .status());
        assertEquals(401, handle(request("POST", "/api/emit", Map.of(), Map.of("authorization", "Basic " + KEY),
                "{}")).status());
        assertEquals(200, handle(request("GET", "/api/sockets", Map.of(), Map.of("x-api-key", "second-key-0123456789"),
                "")).status());
        assertTrue(backend.calls.stream().noneMatch(call -> call.startsWith("emit")));
    }

    @Test
    void withoutKeysTheApiIsDisabled() throws Exception {
        ApiRouter disabled = new ApiRouter(new ApiKeys(List.of()), backend);
        ApiResponse response = disabled.handle(post("/api/emit", "{\"event\":\"x\"}")).get(5, TimeUnit.SECONDS);
        assertEquals(403, response.status());
        assertEquals("api_disabled", body(response).get("error").asText());
    }

    @Test
    void unknownRoutesAndWrongMethods() throws Exception {
        assertEquals(404, handle(post("/api/nothing", "{}")).status());
        ApiResponse wrong = handle(request("DELETE", "/api/emit", Map.of(), Map.of("authorization", "Bearer " + KEY),
                ""));
        assertEquals(405, wrong.status());
        assertEquals("POST", wrong.headers().get("Allow"));
        assertEquals(405, handle(post("/api/sockets", "{}")).status());
    }

    @Test
    void emitGoesToTheBackendWithRoomsUsersExceptAndData() throws Exception {
        ApiResponse response = handle(post("/api/emit", "{\"namespace\":\"chat\",\"rooms\":\"r1\","
                + "\"users\":[\"bob\"],\"except\":[\"r2\"],\"event\":\"news\",\"data\":{\"a\":[1,2]}}"));
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"ok\":true}", response.body());
        assertEquals(List.of("emit /chat [r1, user:bob] [r2] news [{\"a\":[1,2]}]"), backend.calls);
        handle(post("/api/emit/", "{\"event\":\"bare\"}"));
        assertEquals("emit / [] [] bare []", backend.calls.get(1));
        handle(post("/api/emit", "{\"event\":\"nul\",\"data\":null}"));
        assertEquals("emit / [] [] nul [null]", backend.calls.get(2));
    }

    @Test
    void badBodiesAre400WithAReason() throws Exception {
        Map<String, String> cases = Map.of(
                "", "JSON object",
                "{oops", "not valid JSON",
                "\"text\"", "JSON object",
                "{\"data\":1}", "event",
                "{\"event\":\"\"}", "event",
                "{\"event\":\"connect\"}", "reserved",
                "{\"event\":\"x\",\"extra\":1}", "unknown field extra",
                "{\"event\":\"x\",\"rooms\":[1]}", "rooms",
                "{\"event\":\"x\",\"namespace\":\"/missing\"}", "unknown namespace /missing",
                "{\"event\":\"x\",\"namespace\":5}", "namespace must be a string");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            ApiResponse response = handle(post("/api/emit", entry.getKey()));
            assertEquals(400, response.status(), entry.getKey());
            JsonNode body = body(response);
            assertEquals("bad_request", body.get("error").asText());
            assertTrue(body.get("message").asText().contains(entry.getValue()),
                    entry.getKey() + " -> " + body.get("message"));
        }
        assertTrue(backend.calls.isEmpty(), backend.calls.toString());
    }

    @Test
    void disconnectNeedsAUserOrARoom() throws Exception {
        assertEquals(400, handle(post("/api/disconnect", "{}")).status());
        assertEquals(400, handle(post("/api/disconnect", "{\"user\":\"a\",\"close\":\"yes\"}")).status());
        assertEquals(200, handle(post("/api/disconnect", "{\"user\":\"alice\"}")).status());
        assertEquals(200, handle(post("/api/disconnect", "{\"room\":[\"r1\"],\"close\":true}")).status());
        assertEquals(List.of("disconnect / [user:alice] false", "disconnect / [r1] true"), backend.calls);
    }

    @Test
    void socketsAreListedWithTheirData() throws Exception {
        ApiResponse response = handle(request("GET", "/api/sockets",
                Map.of("room", List.of("r1"), "user", List.of("alice")), Map.of("authorization", "Bearer " + KEY), ""));
        assertEquals(200, response.status());
        JsonNode socket = body(response).get("sockets").get(0);
        assertEquals("s1", socket.get("id").asText());
        assertEquals("alice", socket.get("data").get("user").get("sub").asText());
        assertEquals("10.0.0.1", socket.get("address").asText());
        assertEquals(List.of("sockets / [r1, user:alice]"), backend.calls);
        assertEquals(400, handle(request("GET", "/api/sockets", Map.of("rom", List.of("r1")),
                Map.of("authorization", "Bearer " + KEY), "")).status());
    }

    @Test
    void aClusterTimeoutIs504() throws Exception {
        backend.sockets = CompletableFuture.failedFuture(new TimeoutException("slow nodes"));
        ApiResponse response = handle(request("GET", "/api/sockets", Map.of(),
                Map.of("authorization", "Bearer " + KEY), ""));
        assertEquals(504, response.status());
        assertEquals("cluster_timeout", body(response).get("error").asText());
    }

    @Test
    void apiKeysCompareWholeKeys() {
        ApiKeys keys = new ApiKeys(List.of(KEY));
        assertTrue(keys.matches(KEY));
        assertTrue(!keys.matches(KEY.substring(0, 10)) && !keys.matches(KEY + "x") && !keys.matches(null));
    }
}
