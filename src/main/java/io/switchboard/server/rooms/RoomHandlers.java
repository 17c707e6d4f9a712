package io.switchboard.server.rooms;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.Event;
import io.switchboard.core.EventHandler;
import io.switchboard.core.Socket;
import io.switchboard.server.auth.ClaimNames;
import io.switchboard.server.auth.Identity;

/**
 * The chat protocol of the packaged server, installed on every socket:
 * <ul>
 * <li>an authenticated socket is in {@code user:<id>} and {@code org:<org>} for each of its orgs;</li>
 * <li>{@code join-room} (roomId): joins if the policy allows, announcing {@code user-joined} {userId, username,
 * roomId} to the others in the room; acks {ok: true}, or emits {@code error} {message} and acks {error};</li>
 * <li>{@code leave-room} (roomId): leaves, announcing {@code user-left} {userId, roomId} to the others;</li>
 * <li>{@code room-message} ({roomId, message}): if the sender is in the room, sends everyone in it (the sender too)
 * {@code room-message} {userId, username, message, timestamp, roomId}; otherwise {@code error} {message: "Not in
 * room"};</li>
 * <li>on disconnection, {@code user-left} goes to the rooms it had joined.</li>
 * </ul>
 * Every announcement names its room ({@code roomId}, after the original fields) because a client is in several
 * rooms at once and must tell which one an event belongs to.
 */
public final class RoomHandlers implements Consumer<Socket> {
    static final String ACCESS_DENIED = "Access denied";
    static final String NOT_IN_ROOM = "Not in room";
    static final String INVALID_ROOM = "Invalid room";
    static final String TOO_MANY_ROOMS = "Too many rooms";
    static final String ROOM_NAME_TOO_LONG = "Room name too long";

    private final RoomPolicy policy;
    private final ClaimNames claimNames;
    private final int maxRoomsPerSocket;
    private final int maxRoomNameLength;

    /*
     * One handler of each event for every socket (an idle connection should carry little): each finds its socket in
     * the event and the identity in the socket's data.
     */
    private final EventHandler onJoin = event -> {
        Identity identity = identityOf(event.socket());
        join(event.socket(), identity, identity.autoRooms(), event);
    };
    private final EventHandler onLeave = event -> {
        Identity identity = identityOf(event.socket());
        leave(event.socket(), identity, identity.autoRooms(), event);
    };
    private final EventHandler onMessage = event -> message(event.socket(), identityOf(event.socket()), event);

    public RoomHandlers(RoomPolicy policy, ClaimNames claimNames, int maxRoomsPerSocket, int maxRoomNameLength) {
        this.policy = policy;
        this.claimNames = claimNames;
        this.maxRoomsPerSocket = maxRoomsPerSocket;
        this.maxRoomNameLength = maxRoomNameLength;
    }

    @Override
    public void accept(Socket socket) {
        Identity identity = identityOf(socket);
        List<String> autoRooms = identity.autoRooms();
        // already joined by the authentication middleware, before the CONNECT reply; again for recovered sockets
        socket.join(autoRooms);
        socket.on("join-room", onJoin);
        socket.on("leave-room", onLeave);
        socket.on("room-message", onMessage);
        socket.onDisconnecting(reason -> {
            for (String room : joinedRooms(socket, autoRooms)) {
                socket.to(room).emit("user-left", left(socket, identity, room));
            }
        });
        if (socket.recovered()) {
            // it was announced as gone when it dropped; it is back in the same rooms
            for (String room : joinedRooms(socket, autoRooms)) {
                socket.to(room).emit("user-joined", joined(socket, identity, room));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Identity identityOf(Socket socket) {
        Object claims = socket.data(Identity.DATA_KEY);
        return claims instanceof Map<?, ?> map ? Identity.of((Map<String, Object>) map, claimNames)
                : Identity.anonymous();
    }

    private void join(Socket socket, Identity identity, List<String> autoRooms, Event event) {
        String room = roomOf(event.arg(0));
        String problem = checkName(room);
        if (problem == null && socket.rooms().contains(room)) {
            event.ack(Map.of("ok", true));
            return;
        }
        if (problem == null && !policy.allows(room, identity)) {
            problem = ACCESS_DENIED;
        }
        if (problem == null && joinedRooms(socket, autoRooms).size() >= maxRoomsPerSocket) {
            problem = TOO_MANY_ROOMS;
        }
        if (problem != null) {
            refuse(socket, event, problem);
            return;
        }
        socket.join(room);
        socket.to(room).emit("user-joined", joined(socket, identity, room));
        event.ack(Map.of("ok", true));
    }

    private void leave(Socket socket, Identity identity, List<String> autoRooms, Event event) {
        String room = roomOf(event.arg(0));
        String problem = checkName(room);
        if (problem != null) {
            refuse(socket, event, problem);
            return;
        }
        if (socket.rooms().contains(room) && !autoRooms.contains(room) && !room.equals(socket.id())) {
            socket.leave(room);
            socket.to(room).emit("user-left", left(socket, identity, room));
        }
        event.ack(Map.of("ok", true));
    }

    private void message(Socket socket, Identity identity, Event event) {
        JsonNode payload = event.arg(0);
        String room = roomOf(payload);
        String problem = checkName(room);
        if (problem == null && !payload.has("message")) {
            problem = "Invalid message";
        }
        if (problem == null && !socket.rooms().contains(room)) {
            problem = NOT_IN_ROOM;
        }
        if (problem != null) {
            refuse(socket, event, problem);
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("userId", userId(socket, identity));
        message.put("username", username(socket, identity));
        message.put("message", payload.get("message"));
        message.put("timestamp", System.currentTimeMillis());
        message.put("roomId", room);
        socket.namespace().to(room).emit("room-message", message);
        event.ack(Map.of("ok", true));
    }

    /** The room of a join/leave/message argument: a string, or an object's roomId. */
    private static String roomOf(JsonNode arg) {
        JsonNode room = arg.isObject() ? arg.get("roomId") : arg;
        return room != null && room.isTextual() ? room.asText() : null;
    }

    private String checkName(String room) {
        if (room == null || room.isEmpty()) {
            return INVALID_ROOM;
        }
        return room.length() > maxRoomNameLength ? ROOM_NAME_TOO_LONG : null;
    }

    /** The rooms joined with join-room: all but the socket's own and the automatic ones. */
    private static Set<String> joinedRooms(Socket socket, List<String> autoRooms) {
        Set<String> rooms = new LinkedHashSet<>(socket.rooms());
        rooms.remove(socket.id());
        autoRooms.forEach(rooms::remove);
        return rooms;
    }

    private static void refuse(Socket socket, Event event, String message) {
        socket.emit("error", Map.of("message", message));
        event.ack(Map.of("error", message));
    }

    private static Map<String, Object> joined(Socket socket, Identity identity, String room) {
        Map<String, Object> joined = new LinkedHashMap<>();
        joined.put("userId", userId(socket, identity));
        joined.put("username", username(socket, identity));
        joined.put("roomId", room);
        return joined;
    }

    private static Map<String, Object> left(Socket socket, Identity identity, String room) {
        Map<String, Object> left = new LinkedHashMap<>();
        left.put("userId", userId(socket, identity));
        left.put("roomId", room);
        return left;
    }

    private static String userId(Socket socket, Identity identity) {
        return identity.anonymousUser() ? socket.id() : identity.userId();
    }

    private static String username(Socket socket, Identity identity) {
        return identity.name() != null ? identity.name() : userId(socket, identity);
    }
}
