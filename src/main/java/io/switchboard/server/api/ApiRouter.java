package io.switchboard.server.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.presence.Presence;
import io.switchboard.server.rooms.RoomNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend HTTP API, as plain Java (the Netty handler only translates): every request needs one of the configured
 * keys ({@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}).
 * <ul>
 * <li>{@code POST /api/emit} {namespace, rooms, users, orgs, except, event, data}: emits to the sockets in the rooms
 * (and the users' and orgs' rooms, see {@link RoomNames}), or to all when none is given, across the cluster;</li>
 * <li>{@code POST /api/disconnect} {namespace, user, room, close}: disconnects the user's or the room's sockets;</li>
 * <li>{@code GET /api/sockets?room=&user=&namespace=}: the sockets, across the cluster;</li>
 * <li>{@code GET /api/presence?users=a,b} (who of them is online, with connection counts and last seen) or
 * {@code GET /api/presence?room=R} (the users in room R of "/"), across the cluster; 404 when presence is off.</li>
 * </ul>
 * A key of {@code api.orgKeys} ({@code ORG=KEY}) may only GET /api/presence, and learns only what a member of its
 * org may ({@link io.switchboard.server.presence.PresenceAccess}); anything else is 403 forbidden.
 * Errors are JSON {error, message}: 400 bad body, 401 missing or wrong key, 403 API disabled (no keys), 404 unknown
 * route, 405 wrong method, 504 when the other nodes did not answer in time.
 */
public final class ApiRouter {
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED_EVENTS = Set.of("connect", "connect_error", "disconnect",
            "disconnecting", "newListener", "removeListener");
    private static final Map<String, String> ROUTES = Map.of("/api/emit", "POST", "/api/disconnect", "POST",
            "/api/sockets", "GET",
            "/api/presence", "GET");

    private final ApiKeys keys;
    private final OrgApiKeys orgKeys;
    private final ApiBackend backend;
    private final Presence presence;

    public ApiRouter(ApiKeys keys, ApiBackend backend) {
        this(keys, backend, null);
    }

    /** With {@code presence} null, GET /api/presence answers 404. */
    public ApiRouter(ApiKeys keys, ApiBackend backend, Presence presence) {
        this(keys, OrgApiKeys.none(), backend, presence);
    }

    /** With keys scoped to an org too: those get GET /api/presence only, as a member of their org would. */
    public ApiRouter(ApiKeys keys, OrgApiKeys orgKeys, ApiBackend backend, Presence presence) {
        this.keys = keys;
        this.orgKeys = orgKeys;
        this.backend = backend;
        this.presence = presence;
    }

    /** Whether a path is the API's. */
    public static boolean handles(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        try {
            return route(request).exceptionally(ApiRouter::failure);
        } catch (BadRequest e) {
            return CompletableFuture.completedFuture(ApiResponse.error(400, "bad_request", e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private CompletableFuture<ApiResponse> route(ApiRequest request) {
        if (keys.isEmpty() && orgKeys.isEmpty()) {
            return done(ApiResponse.error(403, "api_disabled",
                    "the HTTP API is disabled: configure api.keys (SWITCHBOARD_API_KEYS)"));
        }
        String key = presentedKey(request);
        String org = key == null || orgKeys.isEmpty() ? null : orgKeys.orgOf(key);
        if (key == null || org == null && !keys.matches(key)) {
            return done(ApiResponse.error(401, "unauthorized",
                    key == null ? "missing API key (Authorization: Bearer <key> or X-API-Key)" : "invalid API key",
                    Map.of("WWW-Authenticate", "Bearer realm=\"switchboard\"")));
        }
        String path = request.path().length() > 1 && request.path().endsWith("/")
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        String method = ROUTES.get(path);
        if (method == null) {
            return done(ApiResponse.error(404, "not_found", "no route " + path + "; routes: POST /api/emit,"
                    + " POST /api/disconnect, GET /api/sockets, GET /api/presence"));
        }
        if (!method.equals(request.method().toUpperCase(Locale.ROOT))) {
            return done(ApiResponse.error(405, "method_not_allowed", path + " takes " + method,
                    Map.of("Allow", method)));
        }
        if (org != null && !path.equals("/api/presence")) {
            return done(ApiResponse.error(403, "forbidden", "this key is scoped to org " + org
                    + " (api.orgKeys): GET /api/presence only"));
        }
        return switch (path) {
            case "/api/presence" -> presence(request, org);
            case "/api/emit" -> emit(body(request, Set.of("namespace", "rooms", "users", "orgs", "except", "event",
                    "data")));
            case "/api/disconnect" -> disconnect(body(request, Set.of("namespace", "user", "room", "close")));
            default -> sockets(request);
        };
    }

    private CompletableFuture<ApiResponse> emit(JsonNode body) {
        String namespace = namespace(text(body, "namespace"));
        JsonNode eventNode = body.get("event");
        if (eventNode == null || !eventNode.isTextual() || eventNode.asText().isEmpty()) {
            throw new BadRequest("event must be a non-empty string");
        }
        String event = eventNode.asText();
        if (RESERVED_EVENTS.contains(event)) {
            throw new BadRequest("event \"" + event + "\" is reserved; reserved: " + new TreeSet<>(RESERVED_EVENTS));
        }
        Set<String> rooms = names(body, "rooms");
        for (String user : names(body, "users")) {
            rooms.add(RoomNames.user(user));
        }
        for (String org : names(body, "orgs")) {
            rooms.add(RoomNames.org(org));
        }
        Set<String> except = names(body, "except");
        List<JsonNode> args = body.has("data") ? List.of(body.get("data")) : List.of();
        backend.emit(namespace, rooms, except, event, args);
        return done(ApiResponse.json(200, Map.of("ok", true)));
    }

    private CompletableFuture<ApiResponse> disconnect(JsonNode body) {
        String namespace = namespace(text(body, "namespace"));
        Set<String> rooms = new LinkedHashSet<>();
        for (String user : names(body, "user")) {
            rooms.add(RoomNames.user(user));
        }
        rooms.addAll(names(body, "room"));
        if (rooms.isEmpty()) {
            throw new BadRequest("give user or room: the sockets to disconnect");
        }
        JsonNode close = body.get("close");
        if (close != null && !close.isBoolean()) {
            throw new BadRequest("close must be true or false");
        }
        backend.disconnect(namespace, rooms, close != null && close.asBoolean());
        return done(ApiResponse.json(200, Map.of("ok", true)));
    }

    private CompletableFuture<ApiResponse> sockets(ApiRequest request) {
        for (String name : request.query().keySet()) {
            if (!Set.of("room", "user", "namespace").contains(name)) {
                throw new BadRequest("unknown query parameter " + name + "; allowed: room, user, namespace");
            }
        }
        String namespace = namespace(request.queryParam("namespace"));
        Set<String> rooms = new LinkedHashSet<>(request.query().getOrDefault("room", List.of()));
        for (String user : request.query().getOrDefault("user", List.of())) {
            rooms.add(RoomNames.user(user));
        }
        rooms.remove("");
        return backend.sockets(namespace, rooms).thenApply(found -> {
            List<Map<String, Object>> sockets = new ArrayList<>(found.size());
            for (ApiBackend.SocketView socket : found) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("id", socket.id());
                view.put("rooms", socket.rooms());
                view.put("data", socket.data());
                view.put("address", socket.address());
                sockets.add(view);
            }
            return ApiResponse.json(200, Map.of("sockets", sockets));
        });
    }

    /** Presence as a full key sees it ({@code org} null), or as a member of {@code org} would. */
    private CompletableFuture<ApiResponse> presence(ApiRequest request, String org) {
        if (presence == null) {
            return done(ApiResponse.error(404, "presence_disabled", "presence is disabled (presence.enabled)"));
        }
        for (String name : request.query().keySet()) {
            if (!Set.of("users", "room").contains(name)) {
                throw new BadRequest("unknown query parameter " + name + "; allowed: users, room");
            }
        }
        String room = request.queryParam("room");
        List<String> users = new ArrayList<>();
        for (String value : request.query().getOrDefault("users", List.of())) {
            for (String user : value.split(",")) {
                if (!user.isBlank() && !users.contains(user.trim())) {
                    users.add(user.trim());
                }
            }
        }
        if ((room == null || room.isEmpty()) == users.isEmpty()) {
            throw new BadRequest("give either users=a,b or room=R");
        }
        if (users.size() > Presence.MAX_QUERY_USERS) {
            throw new BadRequest("at most " + Presence.MAX_QUERY_USERS + " users per request");
        }
        Identity asker = org == null ? null : Identity.member(org);
        return (users.isEmpty() ? presence.room(asker, room) : presence.users(asker, users))
                .thenApply(result -> result.get("error") != null
                        ? ApiResponse.error(403, "forbidden", "this key may not ask about room " + room)
                        : ApiResponse.json(200, result));
    }

    private String namespace(String given) {
        String namespace = given == null || given.isEmpty() ? "/" : given.startsWith("/") ? given : "/" + given;
        if (!backend.namespaceExists(namespace)) {
            throw new BadRequest("unknown namespace " + namespace + " (see server.namespaces)");
        }
        return namespace;
    }

    private String presentedKey(ApiRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).trim();
            if (!key.isEmpty()) {
                return key;
            }
        }
        String apiKey = request.header("x-api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    private static JsonNode body(ApiRequest request, Set<String> fields) {
        if (request.body() == null || request.body().isBlank()) {
            throw new BadRequest("the body must be a JSON object");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("the body cannot be read");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new BadRequest("unknown field " + name + "; allowed: " + new TreeSet<>(fields));
            }
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRequest(field + " must be a string");
        }
        return value.asText();
    }

    /** A string or a list of strings. */
    private static Set<String> names(JsonNode body, String field) {
        JsonNode value = body.get(field);
        Set<String> names = new LinkedHashSet<>();
        if (value == null || value.isNull()) {
            return names;
        }
        if (value.isTextual() && !value.asText().isEmpty()) {
            names.add(value.asText());
            return names;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual() || item.asText().isEmpty()) {
                    throw new BadRequest(field + " must be a non-empty string or a list of them");
                }
                names.add(item.asText());
            }
            return names;
        }
        throw new BadRequest(field + " must be a non-empty string or a list of them");
    }

    private static ApiResponse failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BadRequest bad) {
            return ApiResponse.error(400, "bad_request", bad.getMessage());
        }
        if (cause.getClass().getSimpleName().contains("Timeout")) {
            return ApiResponse.error(504, "cluster_timeout", "not every node answered in time");
        }
        log.warn("API request failed", cause);
        return ApiResponse.error(500, "internal_error", "the request failed; see the server log");
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** A request that cannot be served as it is: answered 400 with the message. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
