package io.switchboard.server.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.Event;
import io.switchboard.core.EventHandler;
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
 * (who is in the room, cluster-wide), only about what the asker may know ({@link PresenceAccess}).</li>
 * </ul>
 * A user's last socket on a node stays counted for {@code offlineGrace} after it goes, so a user who reconnects
 * within it is never announced offline and online again: flapping connections cannot become presence events.
 * The counting is the {@link PresenceStore}'s: in memory on one node, in Redis for a cluster.
 */
public final class Presence implements Consumer<Socket>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    public static final String EVENT = "presence";
    public static final String QUERY_EVENT = "presence:query";
    /** The answer's {@code error} for a room the asker may not ask about. */
    public static final String FORBIDDEN = "forbidden";
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
    private final PresenceAccess access;
    private final long offlineGraceMillis;
    /** The users with sockets on this node (or in their grace period); guarded by itself, from every loop. */
    private final Map<String, LocalUser> local = new HashMap<>();
    /** Runs the ends of grace periods; made only when there is a grace period. */
    private final ScheduledExecutorService graceTimer;
    private boolean closed;

    /** Sockets of one user on this node; {@code pendingOffline} while their last one is in its grace period. */
    private static final class LocalUser {
        int sockets;
        ScheduledFuture<?> pendingOffline;
    }

    /** Every query answered, no grace period: for embedding and tests. */
    public Presence(Server server, PresenceStore store, ClaimNames claims, Audience audience) {
        this(server, store, claims, audience, PresenceAccess.OPEN, 0);
    }

    /**
     * @param access             what a socket's presence:query may learn
     * @param offlineGraceMillis how long a user's last socket on this node stays counted after it goes: a reconnect
     *                           within it announces nothing, so flapping cannot turn into presence events
     */
    public Presence(Server server, PresenceStore store, ClaimNames claims, Audience audience, PresenceAccess access,
                    long offlineGraceMillis) {
        this.server = server;
        this.store = store;
        this.claims = claims;
        this.audience = audience;
        this.access = access;
        this.offlineGraceMillis = offlineGraceMillis;
        this.graceTimer = offlineGraceMillis <= 0 ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-presence-grace");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Installs the handler on "/" and starts the store. */
    public Presence start() {
        server.onConnection(this);
        store.start(this::announce);
        return this;
    }

    /** Users with at least one socket on this node. */
    public int localOnlineUsers() {
        synchronized (local) {
            int online = 0;
            for (LocalUser user : local.values()) {
                online += user.sockets > 0 ? 1 : 0;
            }
            return online;
        }
    }

    /** One handler for every socket: the identity is the socket's, from its data. */
    private final EventHandler onQuery = event -> query(identityOf(event.socket().data(Identity.DATA_KEY)), event);

    public PresenceStore store() {
        return store;
    }

    @Override
    public void accept(Socket socket) {
        Identity identity = identityOf(socket.data(Identity.DATA_KEY));
        if (!identity.anonymousUser()) {
            String userId = identity.userId();
            connected(userId, identity.orgs());
            socket.onDisconnect(reason -> disconnected(userId));
        }
        socket.on(QUERY_EVENT, onQuery);
    }

    /** A socket of the user connected here: a socket still held in its grace period stands in for it. */
    private void connected(String userId, List<String> orgs) {
        synchronized (local) {
            LocalUser user = local.computeIfAbsent(userId, id -> new LocalUser());
            user.sockets++;
            if (user.pendingOffline != null) {
                user.pendingOffline.cancel(false);
                user.pendingOffline = null;
                return;
            }
            store.connected(userId, orgs);
        }
    }

    /** A socket of the user went: the last one of this node is held for the grace period before it counts. */
    private void disconnected(String userId) {
        synchronized (local) {
            LocalUser user = local.get(userId);
            if (user == null || user.sockets <= 0) {
                return;
            }
            user.sockets--;
            if (user.sockets > 0 || graceTimer == null || closed) {
                if (user.sockets == 0) {
                    local.remove(userId);
                }
                store.disconnected(userId);
                return;
            }
            user.pendingOffline = graceTimer.schedule(() -> graceOver(userId, user), offlineGraceMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void graceOver(String userId, LocalUser user) {
        synchronized (local) {
            if (user.pendingOffline == null || user.sockets > 0 || local.get(userId) != user) {
                return;   // it came back in time
            }
            user.pendingOffline = null;
            local.remove(userId);
            store.disconnected(userId);
        }
    }

    private void query(Identity asker, Event event) {
        JsonNode arg = event.arg(0);
        CompletableFuture<Map<String, Object>> answer;
        try {
            if (arg != null && arg.isObject() && arg.hasNonNull("room")) {
                answer = room(asker, arg.get("room").asText());
            } else {
                answer = users(asker, userIds(arg != null && arg.isObject() ? arg.get("users") : arg));
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

    /** {users: [{userId, online, connections, lastSeen}]}, cluster-wide, about anyone. */
    public CompletableFuture<Map<String, Object>> users(List<String> userIds) {
        return users(null, userIds);
    }

    /**
     * The same as {@code asker} may see it: a user they may not see is answered as one never seen (offline, no
     * last seen). A null asker sees everyone.
     */
    public CompletableFuture<Map<String, Object>> users(Identity asker, List<String> userIds) {
        return store.query(userIds).thenApply(found -> {
            List<Map<String, Object>> users = new ArrayList<>(found.size());
            for (PresenceStore.UserPresence user : found) {
                boolean visible = asker == null || access.maySee(asker, user.userId(), user.orgs());
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("userId", user.userId());
                view.put("online", visible && user.online());
                view.put("connections", visible ? user.connections() : 0L);
                view.put("lastSeen", visible ? user.lastSeen() : null);
                users.add(view);
            }
            return Map.of("users", users);
        });
    }

    /** {room, users: [{userId, connections}]}: the users with sockets in the room of "/", cluster-wide. */
    public CompletableFuture<Map<String, Object>> room(String room) {
        return room(null, room);
    }

    /**
     * The same when {@code asker} may ask about the room (see {@link PresenceAccess}); otherwise
     * {room, error: "forbidden"}. A null asker may ask about any room.
     */
    public CompletableFuture<Map<String, Object>> room(Identity asker, String room) {
        if (room == null || room.isEmpty()) {
            throw new IllegalArgumentException("room must be a non-empty string");
        }
        if (asker != null && !access.mayAskAboutRoom(asker, room)) {
            return CompletableFuture.completedFuture(Map.of("room", room, "error", FORBIDDEN));
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

    /** Ends every grace period at once (the users held go offline), then closes the store. */
    @Override
    public void close() {
        synchronized (local) {
            closed = true;
            for (var entry : new ArrayList<>(local.entrySet())) {
                LocalUser user = entry.getValue();
                if (user.pendingOffline != null) {
                    user.pendingOffline.cancel(false);
                    user.pendingOffline = null;
                    local.remove(entry.getKey());
                    store.disconnected(entry.getKey());
                }
            }
        }
        if (graceTimer != null) {
            graceTimer.shutdownNow();
        }
        store.close();
    }
}
