package io.switchboard.server.presence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.Event;
import io.switchboard.core.Namespace;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import io.switchboard.core.Socket;
import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.rooms.RoomNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User presence on the main namespace "/": a user (the token's user id) is online while at least one of their
 * sockets is connected on any node. Installed as a connection handler of "/":
 * <ul>
 * <li>each transition is announced once per cluster as {@code presence} {userId, status: "online"|"offline", at}
 * to the audience: the user's {@code org:<org>} rooms ({@link Audience#ORG}), every socket, or nobody;</li>
 * <li>{@code presence:query} with an ack: given a list of user ids (or {users: [...]}) answers
 * {users: [{userId, online, connections, lastSeen}]}; given {room} answers {room, users: [{userId, connections}]}
 * (who is in the room, cluster-wide).</li>
 * </ul>
 * The counting is the {@link PresenceStore}'s: in memory on one node, in Redis for a cluster.
 */
public final class Presence implements Consumer<Socket>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    public static final String EVENT = "presence";
    public static final String QUERY_EVENT = "presence:query";
    /** The most user ids one query may ask about. */
    public static final int MAX_QUERY_USERS = 1000;

    /** Who hears the announcements. */
    public enum Audience {
        ORG, ALL, NONE;

        public static Audience of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final Server server;
    private final PresenceStore store;
    private final ClaimNames claims;
    private final Audience audience;
    /** Sockets per user on this node, for the online-users gauge; touched from every event loop. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> localSockets =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Presence(Server server, PresenceStore store, ClaimNames claims, Audience audience) {
        this.server = server;
        this.store = store;
        this.claims = claims;
        this.audience = audience;
    }

    /** Installs the handler on "/" and starts the store. */
    public Presence start() {
        server.onConnection(this);
        store.start(this::announce);
        return this;
    }

    /** Users with at least one socket on this node. */
    public int localOnlineUsers() {
        return localSockets.size();
    }

    public PresenceStore store() {
        return store;
    }

    @Override
    public void accept(Socket socket) {
        Identity identity = identityOf(socket.data().get(Identity.DATA_KEY));
        if (!identity.anonymousUser()) {
            String userId = identity.userId();
            store.connected(userId, identity.orgs());
            localSockets.merge(userId, 1, Integer::sum);
            socket.onDisconnect(reason -> {
                localSockets.computeIfPresent(userId, (user, count) -> count > 1 ? count - 1 : null);
                store.disconnected(userId);
            });
        }
        socket.on(QUERY_EVENT, event -> query(event));
    }

    private void query(Event event) {
        JsonNode arg = event.arg(0);
        CompletableFuture<Map<String, Object>> answer;
        try {
            if (arg != null && arg.isObject() && arg.hasNonNull("room")) {
                answer = room(arg.get("room").asText());
            } else {
                answer = users(userIds(arg != null && arg.isObject() ? arg.get("users") : arg));
            }
        } catch (IllegalArgumentException e) {
            answer = CompletableFuture.completedFuture(Map.of("error", e.getMessage()));
        }
        answer.whenComplete((result, error) -> {
            if (!event.wantsAck()) {
                return;
            }
            if (error != null) {
                log.debug("presence query failed", error);
                event.ack(Map.of("error", "presence query failed"));
            } else {
                event.ack(result);
            }
        });
    }

    private static List<String> userIds(JsonNode node) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (node != null && node.isTextual()) {
            ids.add(node.asText());
        } else if (node != null && node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual() || item.asText().isEmpty()) {
                    throw new IllegalArgumentException("users must be a list of non-empty strings");
                }
                ids.add(item.asText());
            }
        } else {
            throw new IllegalArgumentException("give a list of user ids, {users: [...]} or {room}");
        }
        if (ids.size() > MAX_QUERY_USERS) {
            throw new IllegalArgumentException("at most " + MAX_QUERY_USERS + " users per query");
        }
        return new ArrayList<>(ids);
    }

    /** {users: [{userId, online, connections, lastSeen}]}, cluster-wide. */
    public CompletableFuture<Map<String, Object>> users(List<String> userIds) {
        return store.query(userIds).thenApply(found -> {
            List<Map<String, Object>> users = new ArrayList<>(found.size());
            for (PresenceStore.UserPresence user : found) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("userId", user.userId());
                view.put("online", user.online());
                view.put("connections", user.connections());
                view.put("lastSeen", user.lastSeen());
                users.add(view);
            }
            return Map.of("users", users);
        });
    }

    /** {room, users: [{userId, connections}]}: the users with sockets in the room of "/", cluster-wide. */
    public CompletableFuture<Map<String, Object>> room(String room) {
        if (room == null || room.isEmpty()) {
            throw new IllegalArgumentException("room must be a non-empty string");
        }
        return server.sockets().in(room).fetchSockets().thenApply(sockets -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (RemoteSocket socket : sockets) {
                Identity identity = identityOf(socket.data() == null ? null : socket.data().get(Identity.DATA_KEY));
                if (!identity.anonymousUser()) {
                    counts.merge(identity.userId(), 1, Integer::sum);
                }
            }
            List<Map<String, Object>> users = new ArrayList<>(counts.size());
            counts.forEach((user, count) -> {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("userId", user);
                view.put("connections", count);
                users.add(view);
            });
            return Map.of("room", room, "users", users);
        });
    }

    /** Sends the {@code presence} event of a transition to the audience, cluster-wide. */
    public void announce(PresenceStore.Transition transition) {
        Namespace main = server.sockets();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("userId", transition.userId());
        payload.put("status", transition.status());
        payload.put("at", transition.at());
        switch (audience) {
            case ALL -> main.emit(EVENT, payload);
            case ORG -> {
                if (!transition.orgs().isEmpty()) {
                    main.to(transition.orgs().stream().map(RoomNames::org).toArray(String[]::new))
                            .emit(EVENT, payload);
                }
            }
            case NONE -> { }
        }
    }

    @SuppressWarnings("unchecked")
    private Identity identityOf(Object data) {
        return data instanceof Map<?, ?> map ? Identity.of((Map<String, Object>) map, claims) : Identity.anonymous();
    }

    @Override
    public void close() {
        store.close();
    }
}
