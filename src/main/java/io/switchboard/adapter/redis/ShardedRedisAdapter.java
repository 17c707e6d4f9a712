package io.switchboard.adapter.redis;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.adapter.redis.RedisAdapterOptions.SubscriptionMode;
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.InMemoryAdapter;
import io.switchboard.core.Namespace;
import io.switchboard.core.SocketInfo;
import io.switchboard.protocol.Packet;

/**
 * The adapter of one namespace in the sharded protocol of Node's {@code createShardedAdapter} (SSUBSCRIBE and
 * SPUBLISH, Redis 7): one envelope {@code {type, data, uid, nsp}} on the namespace's channel, answers on the
 * requester's own channel, and in the dynamic modes a channel per room. The emitter cannot reach it (it speaks the
 * classic protocol only). Incoming messages are handled in {@link ShardedMessageHandler}.
 */
public final class ShardedRedisAdapter extends InMemoryAdapter implements RedisClusterAdapter {
    /** Node's sharded publisher treats a 20-character room as a socket id and keeps it on the main channel. */
    private static final int NODE_SOCKET_ID_LENGTH = 20;

    private final RedisLink link;
    private final RedisAdapterOptions options;
    private final Runnable onClose;
    private final String uid = Ids.hex16();
    private final String channel;
    private final String responseChannel;
    private final PendingRequests requests;
    private final Map<String, RedisAdapter.AckRequest> ackRequests = new ConcurrentHashMap<>();
    /** Room channels subscribed to; only touched on the inbox thread. */
    private final Set<String> roomChannels = new HashSet<>();
    private final ShardedMessageHandler handler;
    /** The handlers given to Redis, kept so that closing unsubscribes exactly what this adapter subscribed. */
    private final RedisLink.Handler messages;
    private final RedisLink.Handler responses;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CompletableFuture<Void> subscribed = new CompletableFuture<>();

    ShardedRedisAdapter(Namespace namespace, RedisLink link, RedisAdapterOptions options, Runnable onClose) {
        super(namespace);
        this.link = link;
        this.options = options;
        this.onClose = onClose;
        this.channel = options.key() + "#" + namespace.name() + "#";
        this.responseChannel = channel + uid + "#";
        this.requests = new PendingRequests(link);
        this.handler = new ShardedMessageHandler(this);
        this.messages = handler::onMessage;
        this.responses = handler::onResponse;
    }

    @Override
    public void init() {
        subscribed = CompletableFuture.allOf(link.ssubscribe(channel, messages),
                link.ssubscribe(responseChannel, responses));
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public CompletableFuture<Void> subscribed() {
        return subscribed;
    }

    @Override
    public long malformedCount() {
        return link.malformedCount();
    }

    // ---- for the message handler ----

    Namespace nsp() {
        return namespace;
    }

    RedisLink link() {
        return link;
    }

    PendingRequests requests() {
        return requests;
    }

    RedisAdapter.AckRequest ackRequest(String requestId) {
        return ackRequests.get(requestId);
    }

    void deliverLocally(Packet packet, BroadcastOptions opts, Runnable stamp) {
        broadcastLocally(packet, opts, stamp);
    }

    void deliverWithAckLocally(Packet packet, BroadcastOptions opts, Consumer<JsonNode> ack,
                               IntConsumer clientCount) {
        broadcastWithAckLocally(packet, opts, ack, clientCount);
    }

    CompletableFuture<List<SocketInfo>> localSockets(BroadcastOptions opts) {
        return fetchLocalSockets(opts);
    }

    void joinLocally(BroadcastOptions opts, Set<String> rooms) {
        super.addSockets(opts, rooms);
    }

    void leaveLocally(BroadcastOptions opts, Set<String> rooms) {
        super.delSockets(opts, rooms);
    }

    void disconnectLocally(BroadcastOptions opts, boolean close) {
        super.disconnectSockets(opts, close);
    }

    // ---- publishing ----

    /** The envelope, JSON unless Node would use msgpack for it (a type that may carry binary, and does). */
    private byte[] encode(int type, ObjectNode data) {
        ObjectNode message = Wire.NODES.objectNode();
        message.put("type", type);
        message.set("data", data);
        message.put("uid", uid);
        message.put("nsp", namespace.name());
        return ShardedType.mayCarryBinary(type) && Wire.hasBinary(data) ? MsgPack.encode(message)
                : Wire.json(message);
    }

    private CompletableFuture<Long> publish(String target, int type, ObjectNode data) {
        if (closed.get()) {
            return CompletableFuture.completedFuture(0L);
        }
        return link.spublish(target, encode(type, data));
    }

    /** Answers go to the requester's own channel. */
    void respond(String requesterUid, int type, ObjectNode data) {
        publish(channel + requesterUid + "#", type, data);
    }

    private boolean ownsRoomChannel(String room) {
        SubscriptionMode mode = options.subscriptionMode();
        return mode == SubscriptionMode.DYNAMIC_PRIVATE
                || (mode == SubscriptionMode.DYNAMIC && room.length() != NODE_SOCKET_ID_LENGTH);
    }

    private String roomChannel(String room) {
        return channel + room + "#";
    }

    @Override
    public void broadcast(Packet packet, BroadcastOptions opts) {
        Runnable publishing = opts.flags().local() ? null : () -> {
            ObjectNode data = Wire.NODES.objectNode();
            data.set("packet", wirePacket(packet));
            data.set("opts", WireOptions.broadcast(opts, false));
            String target = opts.rooms().size() == 1 && ownsRoomChannel(opts.rooms().iterator().next())
                    ? roomChannel(opts.rooms().iterator().next()) : channel;
            publish(target, ShardedType.BROADCAST, data);
        };
        broadcastAndPublish(packet, opts, publishing);
    }

    /** {@code {type: 2, data}}: the namespace travels in the envelope. */
    private static ObjectNode wirePacket(Packet packet) {
        ObjectNode node = Wire.NODES.objectNode();
        node.put("type", 2);
        node.set("data", packet.data());
        return node;
    }

    /** Always on the main channel: the node count that decides completion covers every node, not a room's. */
    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount,
                                 Consumer<JsonNode> ack) {
        if (!opts.flags().local()) {
            String requestId = Ids.hex16();
            ackRequests.put(requestId, new RedisAdapter.AckRequest(clientCount, ack));
            link.schedule(() -> ackRequests.remove(requestId),
                    Math.max(opts.flags().timeout(), options.requestsTimeout()));
            ObjectNode data = Wire.NODES.objectNode();
            data.set("packet", wirePacket(packet));
            data.put("requestId", requestId);
            data.set("opts", WireOptions.broadcast(opts, true));
            publish(channel, ShardedType.BROADCAST, data);
        }
        broadcastWithAckLocally(packet, opts, ack, clientCount);
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new RedisAdapterException("the Redis adapter is closed", null));
        }
        return link.numsub(channel, true).handle((count, error) -> {
            if (error != null) {
                throw new RedisAdapterException("cannot count the nodes of " + namespace.name()
                        + ": Redis unreachable (" + error.getMessage() + ")", error);
            }
            return count;
        });
    }

    @Override
    public CompletableFuture<List<SocketInfo>> fetchSockets(BroadcastOptions opts) {
        if (opts.flags().local()) {
            return fetchLocalSockets(opts);
        }
        return fetchLocalSockets(opts).thenCompose(local -> serverCount().thenCompose(count -> {
            if (count <= 1) {
                return CompletableFuture.completedFuture(local);
            }
            // counted from 1 (this node) up to SHARDNUMSUB: the same as Node's 0 up to SHARDNUMSUB - 1
            FetchRequest request = new FetchRequest(Ids.hex16(), count, local, link.callbacks(),
                    reason -> link.malformed(responseChannel, reason));
            ObjectNode data = Wire.NODES.objectNode();
            data.set("opts", WireOptions.broadcast(opts, false));
            data.put("requestId", request.id);
            long timeout = opts.flags().timeout() > 0 ? opts.flags().timeout() : options.requestsTimeout();
            send(request, ShardedType.FETCH_SOCKETS, data, timeout);
            return request.result();
        }));
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        ObjectNode data = Wire.NODES.objectNode();
        data.set("packet", eventAndArgs);
        publish(channel, ShardedType.SERVER_SIDE_EMIT, data);
    }

    @Override
    public CompletableFuture<ArrayNode> serverSideEmitWithAck(ArrayNode eventAndArgs, long timeoutMillis) {
        return serverCount().thenCompose(count -> {
            if (count - 1 <= 0) {
                return CompletableFuture.completedFuture(Wire.NODES.arrayNode());
            }
            ServerSideEmitRequest request = new ServerSideEmitRequest(Ids.hex16(), count - 1, link.callbacks());
            ObjectNode data = Wire.NODES.objectNode();
            data.put("requestId", request.id);
            data.set("packet", eventAndArgs);
            send(request, ShardedType.SERVER_SIDE_EMIT, data,
                    timeoutMillis > 0 ? timeoutMillis : options.requestsTimeout());
            return request.result();
        });
    }

    private void send(PendingRequest request, int type, ObjectNode data, long timeoutMillis) {
        requests.register(request, timeoutMillis);
        publish(channel, type, data).whenComplete((receivers, error) -> {
            if (error != null) {
                requests.fail(request.id, new RedisAdapterException("cannot reach Redis: " + error.getMessage(),
                        error));
            }
        });
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> rooms) {
        publishTargeted(ShardedType.SOCKETS_JOIN, opts, data -> data.set("rooms", Wire.roomArray(rooms)));
        super.addSockets(opts, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> rooms) {
        publishTargeted(ShardedType.SOCKETS_LEAVE, opts, data -> data.set("rooms", Wire.roomArray(rooms)));
        super.delSockets(opts, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        publishTargeted(ShardedType.DISCONNECT_SOCKETS, opts, data -> data.put("close", close));
        super.disconnectSockets(opts, close);
    }

    private void publishTargeted(int type, BroadcastOptions opts, Consumer<ObjectNode> rest) {
        if (opts.flags().local()) {
            return;
        }
        ObjectNode data = Wire.NODES.objectNode();
        data.set("opts", WireOptions.broadcast(opts, false));
        rest.accept(data);
        publish(channel, type, data);
    }

    // ---- room channels (dynamic modes): follow the rooms that exist on this node ----

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        super.addAll(socketId, rooms);
        rooms.forEach(this::reconcileLater);
    }

    @Override
    public void del(String socketId, String room) {
        super.del(socketId, room);
        reconcileLater(room);
    }

    @Override
    public void delAll(String socketId) {
        Set<String> rooms = socketRooms(socketId);
        super.delAll(socketId);
        rooms.forEach(this::reconcileLater);
    }

    /**
     * Joins and leaves happen on many threads; the subscription follows on the inbox thread, which looks at the
     * room as it is by then, so that racing joins and leaves settle on the right state.
     */
    private void reconcileLater(String room) {
        if (ownsRoomChannel(room)) {
            link.execute(() -> reconcile(room));
        }
    }

    private void reconcile(String room) {
        boolean wanted = !closed.get() && hasRoom(room);
        if (wanted && roomChannels.add(room)) {
            link.ssubscribe(roomChannel(room), messages);
        } else if (!wanted && roomChannels.remove(room)) {
            link.unsubscribe(List.of(RedisLink.Subscription.shard(roomChannel(room), messages)));
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // never waits (a namespace may be removed on an event loop); the room channels are the inbox thread's
        link.unsubscribe(List.of(RedisLink.Subscription.shard(channel, messages),
                RedisLink.Subscription.shard(responseChannel, responses)));
        link.execute(() -> {
            List<RedisLink.Subscription> rooms = new java.util.ArrayList<>(roomChannels.size());
            roomChannels.forEach(room -> rooms.add(RedisLink.Subscription.shard(roomChannel(room), messages)));
            roomChannels.clear();
            link.unsubscribe(rooms);
        });
        requests.failAll(new RedisAdapterException("the Redis adapter of " + namespace.name() + " closed", null));
        ackRequests.clear();
        onClose.run();
    }
}
