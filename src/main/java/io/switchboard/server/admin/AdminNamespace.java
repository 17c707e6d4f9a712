package io.switchboard.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Event;
import io.switchboard.core.Middleware;
import io.switchboard.core.Namespace;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import io.switchboard.core.Socket;
import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.rooms.RoomNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /admin} namespace: open to a client whose {@code auth: {key}} equals {@code admin.key} (compared in
 * constant time) or whose JWT carries {@code admin.role}. Its events, each answered through the ack:
 * <ul>
 *   <li>{@code get-stats} → {nodes, connections, rooms, namespaces, node: {connections, rooms, namespaces}}: the
 *   cluster's figures (nodes from the adapter's serverCount, connections from fetchSockets on each namespace, rooms
 *   from allRooms without the sockets' own rooms) and this node's;</li>
 *   <li>{@code list-sockets} {room, namespace = "/"} → {sockets: [{id, namespace, rooms, user}]};</li>
 *   <li>{@code disconnect-sockets} (also {@code disconnect} for clients that may send that reserved name) {id} or {userId} (room user:{userId}), optional namespace (default: all) →
 *   {ok, disconnected}.</li>
 * </ul>
 * Errors answer {error}. The handlers exist on this namespace only: no other namespace can reach them.
 */
public final class AdminNamespace {
    public static final String NAME = "/admin";
    private static final Logger log = LoggerFactory.getLogger(AdminNamespace.class);

    private final Server server;
    private final byte[] key;
    private final String role;
    private final ClaimNames claims;
    private final Middleware authentication;

    public AdminNamespace(Server server, String key, String role, ClaimNames claims, Middleware authentication) {
        this.server = server;
        this.key = key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
        this.role = role;
        this.claims = claims;
        this.authentication = authentication;
    }

    /** Creates {@code /admin} on the server as the configuration says; returns the namespace. */
    public static Namespace install(Server server, Config config, ClaimNames claims, Middleware authentication) {
        return new AdminNamespace(server, config.get(ConfigKeys.ADMIN_KEY), config.get(ConfigKeys.ADMIN_ROLE),
                claims, authentication).install();
    }

    /** Creates the namespace with its access check and handlers. */
    public Namespace install() {
        Namespace namespace = server.of(NAME);
        namespace.use(this::authorize).onConnection(this::handlers);
        return namespace;
    }

    void authorize(Socket socket, Consumer<Exception> next) {
        JsonNode given = socket.handshake().auth() == null ? null : socket.handshake().auth().get("key");
        if (given != null && given.isTextual()) {
            if (key != null && MessageDigest.isEqual(key, given.asText().getBytes(StandardCharsets.UTF_8))) {
                socket.data().put("admin", "key");
                next.accept(null);
            } else {
                log.warn("refused an admin connection from {}: wrong key", socket.handshake().address());
                next.accept(forbidden());
            }
            return;
        }
        authentication.handle(socket, error -> {
            if (error != null) {
                next.accept(error);
                return;
            }
            Object user = socket.data(Identity.DATA_KEY);
            @SuppressWarnings("unchecked")
            Identity identity = user instanceof Map<?, ?> map ? Identity.of((Map<String, Object>) map, claims)
                    : Identity.anonymous();
            if (identity.roles().contains(role)) {
                socket.data().put("admin", "role");
                next.accept(null);
            } else {
                next.accept(forbidden());
            }
        });
    }

    private static ConnectError forbidden() {
        return new ConnectError("Admin access required", Map.of("code", "forbidden"));
    }

    private void handlers(Socket socket) {
        socket.on("get-stats", event -> answer(event, stats()));
        socket.on("list-sockets", event -> answer(event, listSockets(event.arg(0))));
        // socket.io clients may not emit "disconnect" (a reserved name): "disconnect-sockets" is the same request
        socket.on("disconnect-sockets", event -> answer(event, disconnect(event.arg(0))));
        socket.on("disconnect", event -> answer(event, disconnect(event.arg(0))));
    }

    private static void answer(Event event, CompletableFuture<Map<String, Object>> result) {
        result.whenComplete((value, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                event.ack(Map.of("error", String.valueOf(cause.getMessage())));
            } else {
                event.ack(value);
            }
        });
    }

    /** The namespaces clients use (all but this one). */
    private List<Namespace> namespaces() {
        List<Namespace> list = new ArrayList<>();
        server.namespaces().forEach((name, namespace) -> {
            if (!name.equals(NAME)) {
                list.add(namespace);
            }
        });
        return list;
    }

    CompletableFuture<Map<String, Object>> stats() {
        List<Namespace> namespaces = namespaces();
        CompletableFuture<Integer> nodes = server.sockets().adapter().serverCount();
        List<CompletableFuture<int[]>> perNamespace = new ArrayList<>();
        int localConnections = 0;
        int localRooms = 0;
        for (Namespace namespace : namespaces) {
            localConnections += namespace.localSockets().size();
            Set<String> ids = new HashSet<>(namespace.adapter().sockets(Set.of()));
            for (String room : namespace.adapter().rooms()) {
                if (!ids.contains(room)) {
                    localRooms++;
                }
            }
            perNamespace.add(namespace.fetchSockets().thenCombine(namespace.adapter().allRooms(), (sockets, rooms) -> {
                Set<String> socketIds = new HashSet<>();
                sockets.forEach(s -> socketIds.add(s.id()));
                int named = 0;
                for (String room : rooms) {
                    if (!socketIds.contains(room)) {
                        named++;
                    }
                }
                return new int[] {sockets.size(), named};
            }));
        }
        int connectionsHere = localConnections;
        int roomsHere = localRooms;
        return nodes.thenCompose(count -> CompletableFuture.allOf(perNamespace.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    int connections = 0;
                    int rooms = 0;
                    for (CompletableFuture<int[]> figures : perNamespace) {
                        connections += figures.join()[0];
                        rooms += figures.join()[1];
                    }
                    Map<String, Object> node = new LinkedHashMap<>();
                    node.put("connections", connectionsHere);
                    node.put("rooms", roomsHere);
                    node.put("namespaces", namespaces.size());
                    Map<String, Object> stats = new LinkedHashMap<>();
                    stats.put("nodes", count);
                    stats.put("connections", connections);
                    stats.put("rooms", rooms);
                    stats.put("namespaces", namespaces.size());
                    stats.put("node", node);
                    return stats;
                }));
    }

    CompletableFuture<Map<String, Object>> listSockets(JsonNode request) {
        String room = request.path("room").asText("");
        if (room.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("room is required"));
        }
        String name = request.path("namespace").asText("/");
        Namespace namespace = server.namespaces().get(name);
        if (namespace == null || name.equals(NAME)) {
            return CompletableFuture.completedFuture(Map.of("sockets", List.of()));
        }
        return namespace.in(room).fetchSockets().thenApply(sockets -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (RemoteSocket socket : sockets) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("id", socket.id());
                entry.put("namespace", name);
                entry.put("rooms", List.copyOf(socket.rooms()));
                Object user = socket.data().get(Identity.DATA_KEY);
                entry.put("user", user == null ? Map.of() : user);
                list.add(entry);
            }
            return Map.<String, Object>of("sockets", list);
        });
    }

    CompletableFuture<Map<String, Object>> disconnect(JsonNode request) {
        String id = request.path("id").asText("");
        String userId = request.path("userId").asText("");
        if (id.isEmpty() == userId.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("give either id or userId"));
        }
        String room = id.isEmpty() ? RoomNames.user(userId) : id;
        String only = request.path("namespace").asText("");
        List<Namespace> targets = new ArrayList<>();
        for (Namespace namespace : namespaces()) {
            if (only.isEmpty() || namespace.name().equals(only)) {
                targets.add(namespace);
            }
        }
        List<CompletableFuture<Integer>> counts = new ArrayList<>();
        for (Namespace namespace : targets) {
            counts.add(namespace.in(room).fetchSockets().thenApply(sockets -> {
                if (!sockets.isEmpty()) {
                    namespace.in(room).disconnectSockets(true);
                }
                return sockets.size();
            }));
        }
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int total = counts.stream().mapToInt(CompletableFuture::join).sum();
            log.info("admin disconnect of {}: {} socket(s)", room, total);
            return Map.<String, Object>of("ok", true, "disconnected", total);
        });
    }
}
