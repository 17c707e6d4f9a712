package io.switchboard.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.engine.SessionLoop;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection to one namespace. Listeners run on the socket's event loop, one event at a time, as in
 * Node; register them in the connection handler. Emitting, joining and disconnecting are safe from any thread.
 */
public final class Socket {
    private static final Logger log = LoggerFactory.getLogger(Socket.class);
    /** Event names the protocol keeps for itself; emitting them would confuse every client. */
    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener");

    /** Reasons after which the client may come back and recover its session, as in the reference server. */
    private static final Set<String> RECOVERABLE = Set.of(DisconnectReason.TRANSPORT_ERROR,
            DisconnectReason.TRANSPORT_CLOSE, DisconnectReason.FORCED_CLOSE, DisconnectReason.PING_TIMEOUT,
            DisconnectReason.SERVER_SHUTTING_DOWN, DisconnectReason.FORCED_SERVER_CLOSE);

    private static final long HOLD_AFTER_CONNECT_MS = 1;

    private final String id;
    private final Namespace namespace;
    private final Client client;
    /** The client's loop, kept here so that a broadcast groups its recipients without going through the client. */
    private final SessionLoop loop;
    private final Handshake handshake;
    private final SocketData data = new SocketData();
    /** The private session id that lets this socket be recovered; null when recovery is off. */
    private final String pid;
    private final boolean recovered;
    /** Where the recovery log stood when this socket first connected. */
    private String connectOffset;
    private Set<String> roomsToRestore;
    private volatile boolean connected;
    private volatile boolean disconnected;
    /** Whether the socket is in the room named by its id (held here rather than in the rooms index). */
    private volatile boolean inOwnRoom;

    // lazily made: an idle socket should cost little
    private Map<String, List<EventHandler>> handlers;
    private List<AnyListener> anyListeners;
    private List<AnyListener> anyOutgoingListeners;
    private List<PacketMiddleware> packetMiddlewares;
    private List<Consumer<String>> disconnectingListeners;
    private List<Consumer<String>> disconnectListeners;
    private List<Consumer<Exception>> errorListeners;
    private volatile Map<Long, AckCallback> pendingAcks;
    /** Packets emitted before the CONNECT reply, or just after it (see onConnect); null once released. */
    private List<Packet> held = new ArrayList<>(0);
    /** The CONNECT reply, written once the connection handlers have run. */
    private Packet pendingReply;
    /** Packets a recovered client missed, sent right after the CONNECT reply. */
    private List<ArrayNode> missedPackets = List.of();

    Socket(String id, String pid, Namespace namespace, Client client, Handshake handshake) {
        this.id = id;
        this.pid = pid;
        this.recovered = false;
        this.namespace = namespace;
        this.client = client;
        this.loop = client.loop();
        this.handshake = handshake;
    }

    /** A socket taken back from a recovered session: same ids, rooms and data; missed packets go out first. */
    Socket(SessionState.Restored restored, Namespace namespace, Client client, Handshake handshake) {
        SessionState session = restored.session();
        this.id = session.sid();
        this.pid = session.pid();
        this.recovered = true;
        this.connectOffset = session.connectOffset();
        this.namespace = namespace;
        this.client = client;
        this.loop = client.loop();
        this.handshake = handshake;
        if (!session.data().isEmpty()) {
            data.map().putAll(session.data());
        }
        this.roomsToRestore = session.rooms();
        this.missedPackets = restored.missedPackets();
    }

    public String id() {
        return id;
    }

    public Namespace namespace() {
        return namespace;
    }

    public Handshake handshake() {
        return handshake;
    }

    /**
     * Application data about this socket as an object (keys in insertion order), visible to other nodes through
     * fetchSockets; an empty read-only map while {@link #setData} has made it another JSON value.
     */
    public Map<String, Object> data() {
        return data.map();
    }

    /** The data as it is, any JSON value, as Node's {@code socket.data}: the object of {@link #data()} by default. */
    public Object dataValue() {
        return data.value();
    }

    /** Replaces the data with any JSON-able value: an object (copied), a list, a string, a number, null. */
    public void setData(Object value) {
        data.set(value);
    }

    public boolean connected() {
        return connected;
    }

    /** Whether this socket came back from a dropped connection with its state (connection state recovery). */
    public boolean recovered() {
        return recovered;
    }

    String pid() {
        return pid;
    }

    void connectOffset(String offset) {
        this.connectOffset = offset;
    }

    /** The rooms this socket is in, its own id included. */
    public Set<String> rooms() {
        return namespace.adapter().socketRooms(id);
    }

    /** The Engine.IO transport in use: "polling" or "websocket". */
    public String transport() {
        return client.session().transportName();
    }

    Client client() {
        return client;
    }

    SessionLoop loop() {
        return loop;
    }

    boolean inOwnRoom() {
        return inOwnRoom;
    }

    void inOwnRoom(boolean in) {
        inOwnRoom = in;
    }

    SocketInfo info() {
        return new SocketInfo(id, handshake, rooms(), data.snapshot());
    }

    // ---- listeners ----

    public Socket on(String event, EventHandler handler) {
        if (handlers == null) {
            handlers = new HashMap<>(4);
        }
        handlers.computeIfAbsent(event, e -> new ArrayList<>(1)).add(handler);
        return this;
    }

    public Socket off(String event, EventHandler handler) {
        if (handlers != null && handlers.containsKey(event)) {
            handlers.get(event).remove(handler);
        }
        return this;
    }

    public Socket onAny(AnyListener listener) {
        anyListeners = add(anyListeners, listener);
        return this;
    }

    public Socket offAny(AnyListener listener) {
        if (anyListeners != null) {
            anyListeners.remove(listener);
        }
        return this;
    }

    public Socket onAnyOutgoing(AnyListener listener) {
        anyOutgoingListeners = add(anyOutgoingListeners, listener);
        return this;
    }

    public Socket offAnyOutgoing(AnyListener listener) {
        if (anyOutgoingListeners != null) {
            anyOutgoingListeners.remove(listener);
        }
        return this;
    }

    /** Adds a middleware that sees every incoming event before the handlers. */
    public Socket use(PacketMiddleware middleware) {
        packetMiddlewares = add(packetMiddlewares, middleware);
        return this;
    }

    /** Called with the reason while the socket is still in its rooms. */
    public Socket onDisconnecting(Consumer<String> listener) {
        disconnectingListeners = add(disconnectingListeners, listener);
        return this;
    }

    public Socket onDisconnect(Consumer<String> listener) {
        disconnectListeners = add(disconnectListeners, listener);
        return this;
    }

    /** Errors from packet middlewares. */
    public Socket onError(Consumer<Exception> listener) {
        errorListeners = add(errorListeners, listener);
        return this;
    }

    private static <T> List<T> add(List<T> list, T item) {
        List<T> result = list == null ? new ArrayList<>(1) : list;
        result.add(item);
        return result;
    }

    // ---- emitting ----

    /**
     * Emits an event to this client. When the last argument is an {@link AckCallback}, the client is asked to
     * acknowledge and the callback receives its answer (with no timeout; see {@link #timeout}).
     */
    public Socket emit(String event, Object... args) {
        if (args.length > 0 && args[args.length - 1] instanceof AckCallback callback) {
            emitWithCallback(event, Arrays.copyOf(args, args.length - 1), callback, 0);
        } else {
            send(event, args, null);
        }
        return this;
    }

    /** Emits and completes with the client's acknowledgement. */
    public CompletableFuture<ArrayNode> emitWithAck(String event, Object... args) {
        CompletableFuture<ArrayNode> result = new CompletableFuture<>();
        emitWithCallback(event, args, futureCallback(result), 0);
        return result;
    }

    /** An emitter whose acknowledgements fail with {@link AckTimeoutException} after {@code millis}. */
    public TimedEmitter timeout(long millis) {
        return new TimedEmitter(millis);
    }

    /** Emits with an acknowledgement bounded in time. */
    public final class TimedEmitter {
        private final long millis;

        private TimedEmitter(long millis) {
            this.millis = millis;
        }

        public void emit(String event, Object... argsAndCallback) {
            if (argsAndCallback.length == 0 || !(argsAndCallback[argsAndCallback.length - 1] instanceof AckCallback)) {
                throw new IllegalArgumentException("timeout(...).emit needs an AckCallback as last argument");
            }
            emitWithCallback(event, Arrays.copyOf(argsAndCallback, argsAndCallback.length - 1),
                    (AckCallback) argsAndCallback[argsAndCallback.length - 1], millis);
        }

        public CompletableFuture<ArrayNode> emitWithAck(String event, Object... args) {
            CompletableFuture<ArrayNode> result = new CompletableFuture<>();
            emitWithCallback(event, args, futureCallback(result), millis);
            return result;
        }
    }

    static AckCallback futureCallback(CompletableFuture<ArrayNode> future) {
        return (error, args) -> {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(args);
            }
        };
    }

    private void emitWithCallback(String event, Object[] args, AckCallback callback, long timeoutMillis) {
        checkEventName(event);
        // one id space per namespace, shared with broadcasts, so a broadcast ack never replaces a direct one
        long ackId = namespace.nextAckId();
        long sentAt = System.nanoTime();
        ServerObserver observer = namespace.server().options().observer();
        expectAck(ackId, (error, answer) -> {
            if (error == null) {
                observer.ackRoundTrip(System.nanoTime() - sentAt);
            }
            callback.onAck(error, answer);
        });
        if (timeoutMillis > 0) {
            client.loop().schedule(() -> {
                AckCallback pending = removeAck(ackId);
                if (pending != null) {
                    pending.onAck(new AckTimeoutException("operation has timed out"), null);
                }
            }, timeoutMillis);
        }
        send(event, args, ackId);
    }

    static void checkEventName(String event) {
        if (RESERVED.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    private void send(String event, Object[] args, Long ackId) {
        checkEventName(event);
        ArrayNode data = namespace.server().json().event(event, args);
        notifyOutgoing(data);
        RecoveryStore store = namespace.recovery();
        if (store == null || ackId != null) {
            packet(Packet.event(namespace.name(), data, ackId));
            return;
        }
        // logged so that a reconnecting client gets it again; the offset rides as the last argument
        store.append(data, new BroadcastOptions(Set.of(id), Set.of(), BroadcastFlags.DEFAULT))
                .whenComplete((offset, error) -> {
                    if (offset != null) {
                        data.add(offset);
                    }
                    packet(Packet.event(namespace.name(), data, null));
                });
    }

    /** Shows an outgoing event ({@code [name, ...args]}) to the onAnyOutgoing listeners, if there are any. */
    void notifyOutgoing(ArrayNode eventData) {
        if (anyOutgoingListeners == null || anyOutgoingListeners.isEmpty()) {
            return;
        }
        ArrayNode rest = eventData.deepCopy();
        String event = rest.remove(0).asText();
        for (AnyListener listener : List.copyOf(anyOutgoingListeners)) {
            listener.handle(event, rest);
        }
    }

    /** Registers the callback for an acknowledgement id, for direct emits and broadcasts alike. */
    void expectAck(long ackId, AckCallback callback) {
        Map<Long, AckCallback> acks = pendingAcks;
        if (acks == null) {
            synchronized (this) {
                acks = pendingAcks;
                if (acks == null) {
                    acks = new ConcurrentHashMap<>(4);
                    pendingAcks = acks;
                }
            }
        }
        acks.put(ackId, callback);
    }

    private AckCallback removeAck(long ackId) {
        Map<Long, AckCallback> acks = pendingAcks;
        return acks == null ? null : acks.remove(ackId);
    }

    void sendAck(long ackId, ArrayNode args) {
        packet(Packet.ack(namespace.name(), args, ackId));
    }

    /** Sends a packet to this client; before the CONNECT reply it waits, so nothing precedes the reply. */
    void packet(Packet packet) {
        if (!client.loop().inLoop()) {
            client.loop().execute(() -> packet(packet));
            return;
        }
        if (disconnected) {
            return;
        }
        if (held != null) {
            held.add(packet);
            return;
        }
        client.write(namespace.server().encode(packet), false);
        namespace.server().options().observer().packetsOut(packet.type(), 1);
    }

    // ---- rooms and broadcasting ----

    public Socket join(String... rooms) {
        return join(Arrays.asList(rooms));
    }

    /**
     * Joins all the rooms, or none of them when that would take this socket past
     * {@link ServerOptions#maxRoomsPerSocket()} ({@link TooManyRoomsException}).
     */
    public Socket join(Collection<String> rooms) {
        if (disconnected) {
            return this;
        }
        Set<String> wanted = Set.copyOf(rooms);
        int limit = namespace.server().options().maxRoomsPerSocket();
        Set<String> current = rooms();
        if (current.size() + wanted.size() > limit) {
            long added = wanted.stream().filter(room -> !current.contains(room)).count();
            if (current.size() + added > limit) {
                throw new TooManyRoomsException(limit);
            }
        }
        namespace.adapter().addAll(id, wanted);
        return this;
    }

    public Socket leave(String room) {
        namespace.adapter().del(id, room);
        return this;
    }

    /** Everyone in the rooms but this socket. */
    public BroadcastOperator to(String... rooms) {
        return broadcast().to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return broadcast().except(rooms);
    }

    /** Everyone in the namespace but this socket. */
    public BroadcastOperator broadcast() {
        return namespace.operator().except(id);
    }

    // ---- disconnecting ----

    /** Disconnects from this namespace, leaving the connection's other namespaces open. */
    public Socket disconnect() {
        return disconnect(false);
    }

    /** With {@code close}, closes the whole underlying connection, every namespace of it included. */
    public Socket disconnect(boolean close) {
        if (!client.loop().inLoop()) {
            client.loop().execute(() -> disconnect(close));
            return this;
        }
        if (!connected) {
            return this;
        }
        if (close) {
            client.disconnectAll();
        } else {
            packet(Packet.disconnect(namespace.name()));
            onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
        }
        return this;
    }

    // ---- lifecycle, on the socket's loop ----

    /**
     * The namespace accepted the socket: it is connected and in its rooms; the reply waits for the connection
     * handlers. What the handlers emit is held a millisecond after the reply, so that the reply and what follows it
     * reach the client as separate reads, as they do from the reference server; clients that take one message per
     * tick (the official protocol suite) rely on it.
     */
    void onConnect(Packet connectReply) {
        connected = true;
        // the rooms of a recovered socket were within the limit when it joined them
        namespace.adapter().addAll(id, Set.of(id));
        if (roomsToRestore != null) {
            namespace.adapter().addAll(id, roomsToRestore);
            roomsToRestore = null;
        }
        pendingReply = connectReply;
    }

    /**
     * The connection handlers have run (so the rooms they join exist before the client can act): write the reply
     * and what a recovered client missed, and release the rest a millisecond later.
     */
    void afterConnectionHandlers() {
        writeReply();
        if (disconnected) {
            releaseHeld();
        } else {
            client.loop().schedule(this::releaseHeld, HOLD_AFTER_CONNECT_MS);
        }
    }

    private void writeReply() {
        Packet reply = pendingReply;
        if (reply == null) {
            return;
        }
        pendingReply = null;
        client.write(namespace.server().encode(reply), false);
        for (ArrayNode missed : missedPackets) {
            client.write(namespace.server().encode(Packet.event(namespace.name(), missed, null)), false);
        }
        missedPackets = List.of();
    }

    private void releaseHeld() {
        List<Packet> waiting = held;
        held = null;
        if (waiting == null) {
            return;
        }
        for (Packet packet : waiting) {
            // written even if the socket disconnected meanwhile: its DISCONNECT packet may be among them
            client.write(namespace.server().encode(packet), false);
        }
    }

    void onPacket(Packet packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            default -> {
                // CONNECT and CONNECT_ERROR never reach a connected socket: the client routes them
            }
        }
    }

    private void onEvent(Packet packet) {
        // the packet was decoded for this socket alone and is dropped after this: its elements can be shared
        ArrayNode data = (ArrayNode) packet.data();
        ArrayNode args = data.arrayNode(data.size() - 1);
        for (int i = 1, n = data.size(); i < n; i++) {
            args.add(data.get(i));
        }
        Event event = new Event(this, data.get(0).asText(), args, packet.ackId());
        namespace.server().options().observer().eventIn(namespace.name(), event.name());
        runPacketMiddlewares(event, 0);
    }

    private void runPacketMiddlewares(Event event, int index) {
        if (packetMiddlewares == null || index >= packetMiddlewares.size()) {
            dispatch(event);
            return;
        }
        packetMiddlewares.get(index).handle(event, error -> client.loop().execute(() -> {
            if (error != null) {
                emitError(error);
            } else if (connected) {
                runPacketMiddlewares(event, index + 1);
            }
        }));
    }

    private void dispatch(Event event) {
        if (anyListeners != null) {
            for (AnyListener listener : List.copyOf(anyListeners)) {
                listener.handle(event.name(), event.args());
            }
        }
        List<EventHandler> list = handlers == null ? null : handlers.get(event.name());
        if (list == null) {
            return;
        }
        for (EventHandler handler : List.copyOf(list)) {
            try {
                handler.handle(event);
            } catch (RuntimeException e) {
                log.warn("handler of event '{}' on socket {} failed", event.name(), id, e);
            }
        }
    }

    private void emitError(Exception error) {
        if (errorListeners == null) {
            log.debug("packet middleware refused an event on socket {}: {}", id, error.getMessage());
            return;
        }
        for (Consumer<Exception> listener : List.copyOf(errorListeners)) {
            listener.accept(error);
        }
    }

    private void onAck(Packet packet) {
        AckCallback callback = removeAck(packet.ackId());
        if (callback != null) {
            callback.onAck(null, (ArrayNode) packet.data());
        }
    }

    /** Leaves every room and the namespace, telling the listeners (disconnecting first, while rooms are readable). */
    void onClose(String reason) {
        if (!connected || disconnected) {
            return;
        }
        if (disconnectingListeners != null) {
            for (Consumer<String> listener : List.copyOf(disconnectingListeners)) {
                listener.accept(reason);
            }
        }
        disconnected = true;
        connected = false;
        // whatever waits goes out now, before the connection may close (disconnect(true) in a connection handler)
        writeReply();
        releaseHeld();
        RecoveryStore store = namespace.recovery();
        if (store != null && RECOVERABLE.contains(reason)) {
            store.save(new SessionState(id, pid, rooms(), data.objectSnapshot(), connectOffset == null ? "" : connectOffset),
                    namespace.server().options().connectionStateRecovery().maxDisconnectionDuration());
        }
        namespace.adapter().delAll(id);
        namespace.remove(this);
        client.remove(this);
        namespace.server().options().observer().disconnected(this, reason);
        if (disconnectListeners != null) {
            for (Consumer<String> listener : List.copyOf(disconnectListeners)) {
                listener.accept(reason);
            }
        }
    }

    @Override
    public String toString() {
        return "Socket{" + id + " " + namespace.name() + "}";
    }
}
