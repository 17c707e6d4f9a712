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
import io.switchboard.core.SocketInfo;
import io.switchboard.protocol.Packet;

/**
 * What arrives on a sharded adapter's channels, handled as socket.io-adapter's ClusterAdapter handles it. Runs on
 * the inbox thread; a message that does not fit throws {@link MalformedMessageException} and is counted.
 */
final class ShardedMessageHandler {
    private final ShardedRedisAdapter adapter;

    ShardedMessageHandler(ShardedRedisAdapter adapter) {
        this.adapter = adapter;
    }

    /** The namespace's channel and its room channels. */
    void onMessage(String channel, byte[] payload) {
        ObjectNode message = Wire.decodeObject(payload);
        int type = Wire.type(message);
        if (adapter.uid().equals(Wire.optionalText(message, "uid"))
                || !adapter.nsp().name().equals(Wire.optionalText(message, "nsp"))) {
            return;
        }
        String from = Wire.optionalText(message, "uid");
        ObjectNode data = Wire.object(message, "data");
        switch (type) {
            case ShardedType.BROADCAST -> broadcast(from, data);
            case ShardedType.SOCKETS_JOIN -> adapter.joinLocally(WireOptions.read(data.get("opts")),
                    Wire.rooms(data, "rooms"));
            case ShardedType.SOCKETS_LEAVE -> adapter.leaveLocally(WireOptions.read(data.get("opts")),
                    Wire.rooms(data, "rooms"));
            case ShardedType.DISCONNECT_SOCKETS -> adapter.disconnectLocally(WireOptions.read(data.get("opts")),
                    data.path("close").asBoolean(false));
            case ShardedType.FETCH_SOCKETS -> fetch(from, data);
            case ShardedType.SERVER_SIDE_EMIT -> serverSideEmit(from, data);
            case ShardedType.FETCH_SOCKETS_RESPONSE, ShardedType.SERVER_SIDE_EMIT_RESPONSE,
                 ShardedType.BROADCAST_CLIENT_COUNT, ShardedType.BROADCAST_ACK -> onResponse(type, data);
            case ShardedType.INITIAL_HEARTBEAT, ShardedType.HEARTBEAT, ShardedType.ADAPTER_CLOSE -> {
                // membership messages of the heartbeat variant: this adapter counts nodes with SHARDNUMSUB
            }
            default -> throw new MalformedMessageException("unknown message type " + type);
        }
    }

    /** This adapter's own response channel. */
    void onResponse(String channel, byte[] payload) {
        ObjectNode message = Wire.decodeObject(payload);
        onResponse(Wire.type(message), Wire.object(message, "data"));
    }

    private void onResponse(int type, ObjectNode data) {
        String requestId = Wire.requestId(data);
        switch (type) {
            case ShardedType.BROADCAST_CLIENT_COUNT -> {
                RedisAdapter.AckRequest ack = adapter.ackRequest(requestId);
                JsonNode count = data.get("clientCount");
                if (count == null || !count.isIntegralNumber() || count.intValue() < 0) {
                    throw new MalformedMessageException("clientCount is not a count");
                }
                if (ack != null) {
                    adapter.link().callbacks().execute(() -> ack.clientCount().accept(count.intValue()));
                }
            }
            case ShardedType.BROADCAST_ACK -> {
                RedisAdapter.AckRequest ack = adapter.ackRequest(requestId);
                JsonNode answer = data.has("packet") ? data.get("packet") : Wire.NODES.nullNode();
                if (ack != null) {
                    adapter.link().callbacks().execute(() -> ack.ack().accept(answer));
                }
            }
            case ShardedType.FETCH_SOCKETS_RESPONSE -> adapter.requests().onResponse(requestId, data);
            case ShardedType.SERVER_SIDE_EMIT_RESPONSE -> {
                // ServerSideEmitRequest reads the answer from "data", as the classic response carries it
                ObjectNode answer = Wire.NODES.objectNode();
                if (data.has("packet")) {
                    answer.set("data", data.get("packet"));
                }
                adapter.requests().onResponse(requestId, answer);
            }
            default -> throw new MalformedMessageException("type " + type + " on a response channel");
        }
    }

    private void broadcast(String from, ObjectNode data) {
        ArrayNode args = Wire.eventData(Wire.object(data, "packet"), "data");
        BroadcastOptions wire = WireOptions.read(data.get("opts"));
        Namespace namespace = adapter.nsp();
        String requestId = Wire.optionalRequestId(data);
        if (requestId == null) {
            adapter.deliverLocally(Packet.event(namespace.name(), args, null), wire,
                    RedisRecoveryStore.relaying(namespace, args));
            return;
        }
        if (from == null) {
            throw new MalformedMessageException("broadcast with acks without a requester uid");
        }
        BroadcastOptions opts = new BroadcastOptions(wire.rooms(), wire.except(),
                wire.flags().isVolatile() ? BroadcastFlags.DEFAULT.withVolatile() : BroadcastFlags.DEFAULT);
        Packet packet = Packet.event(namespace.name(), args, namespace.nextAckId());
        adapter.deliverWithAckLocally(packet, opts, answer -> {
            ObjectNode ack = Wire.NODES.objectNode();
            ack.put("requestId", requestId);
            ack.set("packet", answer);
            adapter.respond(from, ShardedType.BROADCAST_ACK, ack);
        }, count -> {
            ObjectNode response = Wire.NODES.objectNode();
            response.put("requestId", requestId);
            response.put("clientCount", count);
            adapter.respond(from, ShardedType.BROADCAST_CLIENT_COUNT, response);
        });
    }

    private void fetch(String from, ObjectNode data) {
        String requestId = Wire.requestId(data);
        if (from == null) {
            throw new MalformedMessageException("fetch without a requester uid");
        }
        adapter.localSockets(WireOptions.read(data.get("opts"))).thenAccept(found -> {
            ArrayNode sockets = Wire.NODES.arrayNode(found.size());
            for (SocketInfo info : found) {
                sockets.add(WireSocket.write(info, adapter.nsp().server().json()));
            }
            ObjectNode response = Wire.NODES.objectNode();
            response.put("requestId", requestId);
            response.set("sockets", sockets);
            adapter.respond(from, ShardedType.FETCH_SOCKETS_RESPONSE, response);
        });
    }

    private void serverSideEmit(String from, ObjectNode data) {
        ArrayNode packet = Wire.eventData(data, "packet");
        String requestId = Wire.optionalRequestId(data);
        Namespace namespace = adapter.nsp();
        if (requestId == null) {
            adapter.link().callbacks().execute(() -> namespace.onServerSideEvent(packet, null));
            return;
        }
        if (from == null) {
            throw new MalformedMessageException("serverSideEmit with ack without a requester uid");
        }
        AtomicBoolean answered = new AtomicBoolean();
        Consumer<JsonNode> ack = answer -> {
            if (answered.compareAndSet(false, true)) {
                ObjectNode response = Wire.NODES.objectNode();
                response.put("requestId", requestId);
                if (answer != null) {
                    response.set("packet", answer);
                }
                adapter.respond(from, ShardedType.SERVER_SIDE_EMIT_RESPONSE, response);
            }
        };
        adapter.link().callbacks().execute(() -> namespace.onServerSideEvent(packet, ack));
    }
}
