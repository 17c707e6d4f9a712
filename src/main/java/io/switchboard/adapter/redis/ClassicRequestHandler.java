package io.switchboard.adapter.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.BroadcastFlags;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.Namespace;
import io.switchboard.core.Socket;
import io.switchboard.core.SocketInfo;
import io.switchboard.protocol.Packet;

/**
 * Answers what other nodes (and the emitter) ask on a namespace's request channel, as the Node adapter answers it
 * (section 4 of the wire format). Runs on the inbox thread; a message that does not fit throws
 * {@link MalformedMessageException} and is counted there.
 */
final class ClassicRequestHandler {
    private final RedisAdapter adapter;

    ClassicRequestHandler(RedisAdapter adapter) {
        this.adapter = adapter;
    }

    void onRequest(String channel, byte[] payload) {
        ObjectNode request = Wire.decodeObject(payload);
        int type = Wire.type(request);
        switch (type) {
            case RequestType.SOCKETS -> sockets(request);
            case RequestType.ALL_ROOMS -> allRooms(request);
            case RequestType.REMOTE_JOIN, RequestType.REMOTE_LEAVE, RequestType.REMOTE_DISCONNECT ->
                    targeted(type, request);
            case RequestType.REMOTE_FETCH -> fetch(request);
            case RequestType.SERVER_SIDE_EMIT -> serverSideEmit(request);
            case RequestType.BROADCAST -> broadcastWithAck(request);
            default -> throw new MalformedMessageException("unknown request type " + type);
        }
    }

    private static String from(ObjectNode request) {
        return Wire.optionalText(request, "uid");
    }

    private boolean fromHere(ObjectNode request) {
        return adapter.uid().equals(from(request));
    }

    /** Legacy (adapter 7) socket-id listing; v8 never asks but still answers. */
    private void sockets(ObjectNode request) {
        String requestId = Wire.requestId(request);
        if (adapter.isOwnPendingRequest(requestId)) {
            return;
        }
        ObjectNode response = Wire.NODES.objectNode();
        response.put("requestId", requestId);
        response.set("sockets", Wire.roomArray(adapter.sockets(Wire.rooms(request, "rooms"))));
        adapter.respond(from(request), Wire.json(response));
    }

    private void allRooms(ObjectNode request) {
        String requestId = Wire.requestId(request);
        if (adapter.isOwnPendingRequest(requestId)) {
            return;
        }
        ObjectNode response = Wire.NODES.objectNode();
        response.put("requestId", requestId);
        response.set("rooms", Wire.roomArray(adapter.rooms()));
        adapter.respond(from(request), Wire.json(response));
    }

    /** Join, leave, disconnect: this node applied its own already; the emitter's carry no uid at all. */
    private void targeted(int type, ObjectNode request) {
        if (!request.has("opts")) {
            legacyTargeted(type, request);
            return;
        }
        if (fromHere(request)) {
            return;
        }
        BroadcastOptions opts = WireOptions.read(request.get("opts"));
        switch (type) {
            case RequestType.REMOTE_JOIN -> adapter.joinLocally(opts, Wire.rooms(request, "rooms"));
            case RequestType.REMOTE_LEAVE -> adapter.leaveLocally(opts, Wire.rooms(request, "rooms"));
            default -> adapter.disconnectLocally(opts, request.path("close").asBoolean(false));
        }
    }

    /** Adapter 7's per-socket form: {@code sid}, {@code room}/{@code close}, answered only by the socket's node. */
    private void legacyTargeted(int type, ObjectNode request) {
        String sid = Wire.optionalText(request, "sid");
        if (sid == null) {
            throw new MalformedMessageException("targeted request without opts or sid");
        }
        Socket socket = adapter.nsp().localSocket(sid);
        if (socket == null) {
            return;
        }
        switch (type) {
            case RequestType.REMOTE_JOIN -> socket.join(request.path("room").asText());
            case RequestType.REMOTE_LEAVE -> socket.leave(request.path("room").asText());
            default -> socket.disconnect(request.path("close").asBoolean(false));
        }
        String requestId = Wire.optionalRequestId(request);
        if (requestId != null) {
            ObjectNode response = Wire.NODES.objectNode();
            response.put("requestId", requestId);
            adapter.respond(from(request), Wire.json(response));
        }
    }

    private void fetch(ObjectNode request) {
        String requestId = Wire.requestId(request);
        if (adapter.isOwnPendingRequest(requestId)) {
            return;
        }
        BroadcastOptions opts = WireOptions.read(request.get("opts"));
        adapter.localSockets(opts).thenAccept(found -> {
            ArrayNode sockets = Wire.NODES.arrayNode(found.size());
            for (SocketInfo info : found) {
                sockets.add(WireSocket.write(info, adapter.nsp().server().json()));
            }
            ObjectNode response = Wire.NODES.objectNode();
            response.put("requestId", requestId);
            response.set("sockets", sockets);
            adapter.respond(from(request), Wire.json(response));
        });
    }

    /**
     * Hands the event to the namespace's listeners on the callbacks thread. With a request id, the first answer of
     * any listener goes back, always on the common response channel (Node does not move this one).
     */
    private void serverSideEmit(ObjectNode request) {
        if (fromHere(request)) {
            return;
        }
        ArrayNode data = Wire.eventData(request, "data");
        String requestId = Wire.optionalRequestId(request);
        Namespace namespace = adapter.nsp();
        if (requestId == null) {
            adapter.link().callbacks().execute(() -> namespace.onServerSideEvent(data, null));
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        Consumer<JsonNode> ack = answer -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            ObjectNode response = Wire.NODES.objectNode();
            response.put("type", RequestType.SERVER_SIDE_EMIT);
            response.put("requestId", requestId);
            if (answer != null) {
                response.set("data", answer);
            }
            adapter.publish(adapter.channels().response(), Wire.json(response));
        };
        adapter.link().callbacks().execute(() -> namespace.onServerSideEvent(data, ack));
    }

    /**
     * A broadcast with acks from another node: delivered here under this namespace's own ack id; the client count
     * is always answered, even 0, or the requester could only end at its timeout.
     */
    private void broadcastWithAck(ObjectNode request) {
        String requestId = Wire.requestId(request);
        if (adapter.isOwnAckRequest(requestId)) {
            return;
        }
        ArrayNode data = Wire.eventData(Wire.object(request, "packet"), "data");
        BroadcastOptions wire = WireOptions.read(request.get("opts"));
        // the timeout belongs to the requester; locally the clients' answers are simply forwarded as they come
        BroadcastOptions opts = new BroadcastOptions(wire.rooms(), wire.except(),
                wire.flags().isVolatile() ? BroadcastFlags.DEFAULT.withVolatile() : BroadcastFlags.DEFAULT);
        Namespace namespace = adapter.nsp();
        String requester = from(request);
        Packet packet = Packet.event(namespace.name(), data, namespace.nextAckId());
        adapter.deliverWithAckLocally(packet, opts, answer -> {
            ObjectNode ack = Wire.NODES.objectNode();
            ack.put("type", RequestType.BROADCAST_ACK);
            ack.put("requestId", requestId);
            ack.set("packet", answer);
            adapter.respond(requester, MsgPack.encode(ack));
        }, count -> {
            ObjectNode response = Wire.NODES.objectNode();
            response.put("type", RequestType.BROADCAST_CLIENT_COUNT);
            response.put("requestId", requestId);
            response.put("clientCount", count);
            adapter.respond(requester, Wire.json(response));
        });
    }
}
