package io.switchboard.adapter.redis;

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
import io.switchboard.core.BroadcastOptions;
import io.switchboard.core.InMemoryAdapter;
import io.switchboard.core.Namespace;
import io.switchboard.core.SocketInfo;
import io.switchboard.protocol.Packet;

/**
 * The adapter of one namespace in the classic protocol of {@code @socket.io/redis-adapter} 8.x (PUBLISH, SUBSCRIBE,
 * PSUBSCRIBE): what Node nodes and {@code @socket.io/redis-emitter} speak. Everything is done locally first (so it
 * goes on while Redis is away) and then published; this node's own messages come back and are dropped by uid.
 * Requests arriving from other nodes are answered in {@link ClassicRequestHandler}.
 */
public final class RedisAdapter extends InMemoryAdapter implements RedisClusterAdapter {
    private final RedisLink link;
    private final RedisAdapterOptions options;
    private final Runnable onClose;
    private final String uid = Ids.random(6);
    private final ClassicChannels channels;
    private final PendingRequests requests;
    private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
    private final ClassicRequestHandler requestHandler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CompletableFuture<Void> subscribed = new CompletableFuture<>();
    /** What this adapter subscribed, each with its own handler: closing unsubscribes exactly these. */
    private final List<RedisLink.Subscription> subscriptions;

    /** Where the clients' answers to a broadcast with acks sent from here go. */
    record AckRequest(IntConsumer clientCount, Consumer<JsonNode> ack) {
    }

    RedisAdapter(Namespace namespace, RedisLink link, RedisAdapterOptions options, Runnable onClose) {
        super(namespace);
        this.link = link;
        this.options = options;
        this.onClose = onClose;
        this.channels = ClassicChannels.of(options.key(), namespace.name(), uid);
        this.requests = new PendingRequests(link);
        this.requestHandler = new ClassicRequestHandler(this);
        RedisLink.Handler responses = this::onResponse;
        this.subscriptions = List.of(
                RedisLink.Subscription.pattern(channels.broadcastPattern(), this::onBroadcast),
                RedisLink.Subscription.channel(channels.request(), requestHandler::onRequest),
                RedisLink.Subscription.channel(channels.response(), responses),
                RedisLink.Subscription.channel(channels.specificResponse(), responses));
    }

    @Override
    public void init() {
        CompletableFuture<?>[] pending = new CompletableFuture<?>[subscriptions.size()];
        for (int i = 0; i < pending.length; i++) {
            RedisLink.Subscription subscription = subscriptions.get(i);
            pending[i] = subscription.kind() == RedisLink.Kind.PATTERN
                    ? link.psubscribe(subscription.name(), subscription.handler())
                    : link.subscribe(subscription.name(), subscription.handler());
        }
        subscribed = CompletableFuture.allOf(pending);
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

    // ---- accessors for the request handler ----

    Namespace nsp() {
        return namespace;
    }

    RedisLink link() {
        return link;
    }

    ClassicChannels channels() {
        return channels;
    }

    boolean isOwnPendingRequest(String requestId) {
        return requests.contains(requestId);
    }

    boolean isOwnAckRequest(String requestId) {
        return ackRequests.containsKey(requestId);
    }

    /** Answers go to the common response channel unless this node is told to answer on the requester's own. */
    void respond(String requesterUid, byte[] response) {
        boolean specific = options.publishOnSpecificResponseChannel() && requesterUid != null;
        publish(specific ? channels.responseFor(requesterUid) : channels.response(), response);
    }

    void publish(String channel, byte[] message) {
        if (!closed.get()) {
            link.publish(channel, message);
        }
    }

    // local operations the request handler applies for other nodes (the public ones would publish again)

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

    // ---- broadcasts ----

    @Override
    public void broadcast(Packet packet, BroadcastOptions opts) {
        Runnable publishing = opts.flags().local() ? null : () -> {
            ArrayNode message = Wire.NODES.arrayNode(3);
            message.add(uid);
            message.add(wirePacket(packet));
            message.add(WireOptions.broadcast(opts, false));
            publish(channels.broadcastChannel(opts.rooms()), MsgPack.encode(message));
        };
        broadcastAndPublish(packet, opts, publishing);
    }

    /** {@code {type: 2, data, nsp}}: always EVENT and without id; receivers number and split binary themselves. */
    static ObjectNode wirePacket(Packet packet) {
        ObjectNode node = Wire.NODES.objectNode();
        node.put("type", 2);
        node.set("data", packet.data());
        node.put("nsp", packet.namespace());
        return node;
    }

    /** A message on a broadcast channel: filtered by the channel's room before it is decoded at all. */
    private void onBroadcast(String channel, byte[] payload) {
        String room = channels.roomOf(channel);
        if (room == null) {
            link.malformed(channel, "not a broadcast channel of " + namespace.name());
            return;
        }
        // a node logging for recovery must see every packet of every node, in order, to know how far it got in
        // each node's log (RecoveryOffset), even those it has no recipient for
        boolean logging = namespace.recovery() instanceof RedisRecoveryStore;
        if (!logging && !room.isEmpty() && !mayHaveRoom(room)) {
            return;
        }
        JsonNode message = MsgPack.decode(payload);
        if (!message.isArray() || message.size() < 3) {
            throw new MalformedMessageException("broadcast is not [uid, packet, opts]");
        }
        if (uid.equals(message.get(0).asText())) {
            return;
        }
        JsonNode packet = message.get(1);
        if (!packet.isObject()) {
            throw new MalformedMessageException("broadcast packet is not an object");
        }
        JsonNode nsp = packet.get("nsp");
        String name = nsp == null || nsp.isNull() ? "/" : nsp.asText();
        if (!name.equals(namespace.name())) {
            return;
        }
        ArrayNode data = Wire.eventData(packet, "data");
        // the recipients are chosen after the relay moved this node's position past the packet: a recovering
        // socket back in its rooms before then finds the position short of it and gets the packet live, one that
        // is back after gets it from the log
        broadcastLocally(Packet.event(namespace.name(), data, null), WireOptions.read(message.get(2)),
                RedisRecoveryStore.relaying(namespace, data));
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount,
                                 Consumer<JsonNode> ack) {
        if (!opts.flags().local()) {
            String requestId = Ids.random(12);
            ackRequests.put(requestId, new AckRequest(clientCount, ack));
            // we cannot know when the last client answered: the entry goes once no answer can matter any more
            long keep = Math.max(opts.flags().timeout(), options.requestsTimeout());
            link.schedule(() -> ackRequests.remove(requestId), keep);
            ObjectNode request = Wire.NODES.objectNode();
            request.put("uid", uid);
            request.put("requestId", requestId);
            request.put("type", RequestType.BROADCAST);
            request.set("packet", wirePacket(packet));
            request.set("opts", WireOptions.broadcast(opts, true));
            publish(channels.request(), MsgPack.encode(request));
        }
        broadcastWithAckLocally(packet, opts, ack, clientCount);
    }

    // ---- requests from this node ----

    @Override
    public CompletableFuture<Integer> serverCount() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new RedisAdapterException("the Redis adapter is closed", null));
        }
        return link.numsub(channels.request(), false).handle((count, error) -> {
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
            FetchRequest request = new FetchRequest(Ids.random(12), count, local, link.callbacks(),
                    reason -> link.malformed(channels.response(), reason));
            ObjectNode message = requestMessage(RequestType.REMOTE_FETCH, request.id);
            message.set("opts", WireOptions.target(opts));
            send(request, message);
            return request.result();
        }));
    }

    @Override
    public CompletableFuture<Set<String>> allRooms() {
        Set<String> local = rooms();
        return serverCount().thenCompose(count -> {
            if (count <= 1) {
                return CompletableFuture.completedFuture(local);
            }
            RoomsRequest request = new RoomsRequest(Ids.random(12), count, local, link.callbacks());
            send(request, requestMessage(RequestType.ALL_ROOMS, request.id));
            return request.result();
        });
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        ObjectNode message = requestMessage(RequestType.SERVER_SIDE_EMIT, null);
        message.set("data", eventAndArgs);
        publish(channels.request(), Wire.json(message));
    }

    @Override
    public CompletableFuture<ArrayNode> serverSideEmitWithAck(ArrayNode eventAndArgs, long timeoutMillis) {
        return serverCount().thenCompose(count -> {
            int others = count - 1;
            if (others <= 0) {
                return CompletableFuture.completedFuture(Wire.NODES.arrayNode());
            }
            ServerSideEmitRequest request = new ServerSideEmitRequest(Ids.random(12), others, link.callbacks());
            ObjectNode message = requestMessage(RequestType.SERVER_SIDE_EMIT, request.id);
            message.set("data", eventAndArgs);
            send(request, message, timeoutMillis > 0 ? timeoutMillis : options.requestsTimeout());
            return request.result();
        });
    }

    private ObjectNode requestMessage(int type, String requestId) {
        ObjectNode message = Wire.NODES.objectNode();
        message.put("uid", uid);
        if (requestId != null) {
            message.put("requestId", requestId);
        }
        message.put("type", type);
        return message;
    }

    private void send(PendingRequest request, ObjectNode message) {
        send(request, message, options.requestsTimeout());
    }

    /** Registers before publishing, so that no answer can come first; a refused publish fails the request. */
    private void send(PendingRequest request, ObjectNode message, long timeoutMillis) {
        requests.register(request, timeoutMillis);
        link.publish(channels.request(), Wire.json(message)).whenComplete((receivers, error) -> {
            if (error != null) {
                requests.fail(request.id, new RedisAdapterException("cannot reach Redis: " + error.getMessage(),
                        error));
            }
        });
    }

    // ---- join, leave, disconnect: applied here now, published for the others, own echo dropped by uid ----

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> rooms) {
        if (!opts.flags().local()) {
            publishTargeted(RequestType.REMOTE_JOIN, opts, message -> message.set("rooms", Wire.roomArray(rooms)));
        }
        super.addSockets(opts, rooms);
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> rooms) {
        if (!opts.flags().local()) {
            publishTargeted(RequestType.REMOTE_LEAVE, opts, message -> message.set("rooms", Wire.roomArray(rooms)));
        }
        super.delSockets(opts, rooms);
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        if (!opts.flags().local()) {
            publishTargeted(RequestType.REMOTE_DISCONNECT, opts, message -> message.put("close", close));
        }
        super.disconnectSockets(opts, close);
    }

    private void publishTargeted(int type, BroadcastOptions opts, Consumer<ObjectNode> rest) {
        ObjectNode message = requestMessage(type, null);
        message.set("opts", WireOptions.target(opts));
        rest.accept(message);
        publish(channels.request(), Wire.json(message));
    }

    // ---- responses to this node's requests ----

    private void onResponse(String channel, byte[] payload) {
        ObjectNode response = Wire.decodeObject(payload);
        String requestId = Wire.requestId(response);
        AckRequest ackRequest = ackRequests.get(requestId);
        if (ackRequest == null) {
            requests.onResponse(requestId, response);
            return;
        }
        JsonNode type = response.get("type");
        int code = type != null && type.isIntegralNumber() ? type.intValue() : -1;
        if (code == RequestType.BROADCAST_CLIENT_COUNT) {
            JsonNode count = response.get("clientCount");
            if (count == null || !count.isIntegralNumber() || count.intValue() < 0) {
                throw new MalformedMessageException("clientCount is not a count");
            }
            link.callbacks().execute(() -> ackRequest.clientCount().accept(count.intValue()));
        } else if (code == RequestType.BROADCAST_ACK) {
            JsonNode answer = response.has("packet") ? response.get("packet") : Wire.NODES.nullNode();
            link.callbacks().execute(() -> ackRequest.ack().accept(answer));
        } else {
            throw new MalformedMessageException("response type " + type + " to a broadcast with acks");
        }
    }

    // ---- shutdown ----

    /**
     * Leaves the cluster: its subscriptions go (without waiting for Redis: a namespace may be removed on an event
     * loop), pending requests fail.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        link.unsubscribe(subscriptions);
        requests.failAll(new RedisAdapterException("the Redis adapter of " + namespace.name() + " closed", null));
        ackRequests.clear();
        onClose.run();
    }
}
