package io.switchboard.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionLoop;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection to one namespace. Listeners run on the socket's event loop, one event at a time, as in
 * Node; register them in the connection handler. Emitting, joining, leaving and disconnecting are safe from any
 * thread: called elsewhere, they hop to the socket's loop (in call order) and return at once; on the loop they act
 * at once. Reads from another thread ({@link #rooms()}) see the socket as of some recent moment. Whatever a listener throws is logged and counted ({@link ServerObserver#handlerError}), never more.
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
    private static final VarHandle DATA;

    static {
        try {
            DATA = MethodHandles.lookup().findVarHandle(Socket.class, "data", SocketData.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final Namespace namespace;
    private final Client client;
    /** The client's loop, kept here so that a broadcast groups its recipients without going through the client. */
    private final SessionLoop loop;
    private final Handshake handshake;
    /** Made on first use (most sockets never carry data); {@link #data()} makes it. */
    private volatile SocketData data;
    /**
     * Whether this socket has a private id (recovery is on); {@link #pid} then names it only for a socket taken back
     * from a saved session: a new socket's is derived from its id when asked ({@link PrivateIds}), which it is once
     * at the CONNECT reply and once when it goes, so no connection keeps one (64 bytes).
     */
    private final boolean recoverable;
    private final String pid;
    private final boolean recovered;
    /** Where the recovery log stood when this socket first connected. */
    private String connectOffset;
    private Set<String> roomsToRestore;
    /** Rooms joined before the socket connected (in a middleware): joined with the CONNECT, so a refused one has none. */
    private volatile Set<String> joinedEarly;
    /** A save of this socket's state to a store keeping live sessions is scheduled for this loop turn. */
    private volatile boolean stateSavePending;
    private volatile boolean connected;
    private volatile boolean disconnected;
    /** Whether the socket is in the room named by its id (held here rather than in the rooms index). */
    private volatile boolean inOwnRoom;

    // lazily made: an idle socket should cost little
    private EventHandlers handlers = EventHandlers.NONE;
    private List<AnyListener> anyListeners;
    private List<AnyListener> anyOutgoingListeners;
    private List<PacketMiddleware> packetMiddlewares;
    private List<Consumer<String>> disconnectingListeners;
    private List<Consumer<String>> disconnectListeners;
    private List<Consumer<Exception>> errorListeners;
    private volatile Map<Long, PendingAck> pendingAcks;
    /**
     * What is written to this client before the CONNECT reply, or just after it (see afterConnectionHandlers),
     * direct emits and broadcasts alike, in call order; null once released. Loop-confined.
     */
    private List<List<OutboundPacket>> held = new ArrayList<>(0);
    /** The CONNECT reply, written once the connection handlers have run. */
    private Packet pendingReply;
    /** Packets a recovered client missed, sent right after the CONNECT reply. */
    private List<ArrayNode> missedPackets = List.of();
    /** For a recovered socket whose store needs it: what it missed, settled once it is back in its rooms. */
    private SessionState.CatchUp catchUp;

    Socket(String id, boolean recoverable, Namespace namespace, Client client, Handshake handshake) {
        this.id = id;
        this.recoverable = recoverable;
        this.pid = null;
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
        this.recoverable = true;
        this.pid = session.pid();
        this.recovered = true;
        this.connectOffset = session.connectOffset();
        this.namespace = namespace;
        this.client = client;
        this.loop = client.loop();
        this.handshake = handshake;
        if (!session.data().isEmpty()) {
            socketData().map().putAll(session.data());
        }
        this.roomsToRestore = session.rooms();
        this.missedPackets = restored.missedPackets();
        this.catchUp = restored.catchUp();
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
        return socketData().map();
    }

    /**
     * One key of the data: its value, or null when it is absent or the data is not an object. Reading it makes no
     * data object for a socket that has none (most have none, and {@link #data()} makes one to hand out).
     */
    public Object data(String key) {
        SocketData current = data;
        return current == null ? null : current.get(key);
    }

    /** The data as it is, any JSON value, as Node's {@code socket.data}: the object of {@link #data()} by default. */
    public Object dataValue() {
        return socketData().value();
    }

    /** Replaces the data with any JSON-able value: an object (copied), a list, a string, a number, null. */
    public void setData(Object value) {
        socketData().set(value);
    }

    private SocketData socketData() {
        SocketData current = data;
        if (current == null) {
            SocketData made = new SocketData(this::dataChanged);
            current = (SocketData) DATA.compareAndExchange(this, null, made);
            current = current == null ? made : current;
        }
        return current;
    }

    /**
     * The data changed, on whatever thread changed it (the data itself is a thread-safe map): what the socket does
     * about it, keeping its state for recovery, happens on its loop, as every change to the socket does.
     */
    private void dataChanged() {
        onLoop(this::stateChanged);
    }

    public boolean connected() {
        return connected;
    }

    /** Whether this socket came back from a dropped connection with its state (connection state recovery). */
    public boolean recovered() {
        return recovered;
    }

    /** The private id a client recovers this session with, or null when recovery is off. */
    String pid() {
        if (!recoverable) {
            return null;
        }
        return pid != null ? pid : namespace.server().privateIds().of(id);
    }

    /**
     * The rooms this socket is in, its own id included. Exact on the socket's loop; from another thread, as of some
     * recent moment (a join queued from there shows once the loop ran it).
     */
    public Set<String> rooms() {
        if (!connected && !disconnected) {
            Set<String> early = joinedEarly;
            return early == null ? Set.of() : Set.copyOf(early);
        }
        return namespace.adapter().socketRooms(id);
    }

    /**
     * The id of the connection (Engine.IO session) this socket uses, which its sockets in other namespaces share:
     * what lives as long as the connection (a rate-limit budget) is kept by it.
     */
    public String connectionId() {
        return client.session().id();
    }

    /** The Engine.IO transport in use: "polling" or "websocket". */
    public String transport() {
        return client.session().transportName();
    }

    Client client() {
        return client;
    }

    private ServerObserver observer() {
        return namespace.server().options().observer();
    }

    /** Calls application code on behalf of this socket: see {@link UserCode}. */
    private boolean guarded(HandlerKind kind, String event, Runnable call) {
        return UserCode.run(observer(), kind, id, event, call);
    }

    /**
     * Runs the task now when on the socket's loop, else queues it there, in order with the namespace's other work
     * for that loop ({@link LoopMailboxes#run}): the hop is paid only off the loop.
     */
    private void onLoop(Runnable task) {
        namespace.mailboxes().run(loop, task);
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
        SocketData current = data;
        return new SocketInfo(id, handshake, rooms(), current == null ? Map.of() : current.snapshot());
    }

    // ---- listeners ----

    public Socket on(String event, EventHandler handler) {
        handlers = handlers.with(event, handler);
        return this;
    }

    public Socket off(String event, EventHandler handler) {
        handlers = handlers.without(event, handler);
        return this;
    }

    public Socket onAny(AnyListener listener) {
        anyListeners = add(anyListeners, listener);
        return this;
    }

    public Socket offAny(AnyListener listener) {
        anyListeners = without(anyListeners, listener);
        return this;
    }

    public Socket onAnyOutgoing(AnyListener listener) {
        anyOutgoingListeners = add(anyOutgoingListeners, listener);
        return this;
    }

    public Socket offAnyOutgoing(AnyListener listener) {
        anyOutgoingListeners = without(anyOutgoingListeners, listener);
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

    /*
     * The listener lists are copied on write and never changed in place: a dispatch iterates the list it read, with
     * no copy per event, and one listener (the common case) is the smallest list there is.
     */
    private static <T> List<T> add(List<T> list, T item) {
        if (list == null) {
            return List.of(item);
        }
        List<T> grown = new ArrayList<>(list.size() + 1);
        grown.addAll(list);
        grown.add(item);
        return List.copyOf(grown);
    }

    private static <T> List<T> without(List<T> list, T item) {
        if (list == null) {
            return null;
        }
        List<T> rest = new ArrayList<>(list);
        rest.remove(item);
        return rest.isEmpty() ? null : List.copyOf(rest);
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
            send(event, args);
        }
        return this;
    }

    /** Emits asking the client to acknowledge; the callback (a lambda needs no cast) receives its answer. */
    public Socket emit(String event, AckCallback callback, Object... args) {
        if (callback == null) {
            send(event, args);
        } else {
            emitWithCallback(event, args, callback, 0);
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

    public TimedEmitter timeout(Duration timeout) {
        return timeout(timeout.toMillis());
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

        public void emit(String event, AckCallback callback, Object... args) {
            if (callback == null) {
                throw new IllegalArgumentException("timeout(...).emit needs an AckCallback");
            }
            emitWithCallback(event, args, callback, millis);
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
        // encoded on the caller's thread: the arguments are taken as they are at the call
        ArrayNode data = namespace.server().json().event(event, args);
        onLoop(() -> {
            // one id space per namespace, shared with broadcasts, so a broadcast ack never replaces a direct one
            long ackId = namespace.nextAckId();
            long sentAt = System.nanoTime();
            AckCallback timed = (error, answer) -> {
                if (error == null) {
                    observer().ackRoundTrip(System.nanoTime() - sentAt);
                }
                callback.onAck(error, answer);
            };
            Runnable cancelTimer = null;
            if (timeoutMillis > 0) {
                cancelTimer = loop.schedule(() -> {
                    PendingAck pending = removeAck(ackId);
                    if (pending != null) {
                        callAck(pending.callback(), new AckTimeoutException("operation has timed out"), null);
                    }
                }, timeoutMillis);
            }
            expectAck(ackId, timed, cancelTimer);
            notifyOutgoing(data);
            packet(Packet.event(namespace.name(), data, ackId));
        });
    }

    static void checkEventName(String event) {
        if (RESERVED.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    private void send(String event, Object[] args) {
        checkEventName(event);
        // encoded on the caller's thread: the arguments are taken as they are at the call
        ArrayNode data = namespace.server().json().event(event, args);
        Runnable sending = () -> {
            notifyOutgoing(data);
            packet(Packet.event(namespace.name(), data, null));
        };
        RecoveryStore store = namespace.recovery();
        if (store == null) {
            onLoop(sending);
            return;
        }
        // logged so that a reconnecting client gets it again, the offset as the last argument (listeners see it,
        // as in the reference). The offset is taken now, on the caller's thread, as a broadcast's is, so the loop
        // sends both in call order; the append returns at once, so the packet keeps its place among the acked and
        // volatile ones sent around it.
        BroadcastOptions toThisSocket = new BroadcastOptions(Set.of(id), Set.of(), BroadcastFlags.DEFAULT);
        namespace.mailboxes().sendLogged(queue -> {
            data.add(store.append(data, toThisSocket));
            queue.queue(loop, sending, () -> { });
        });
    }

    /**
     * Shows an outgoing event ({@code [name, ...args]}) to the onAnyOutgoing listeners, if there are any. On the
     * socket's loop: direct emits and broadcasts (see {@link InMemoryAdapter}) call it there.
     */
    void notifyOutgoing(ArrayNode eventData) {
        if (anyOutgoingListeners == null || anyOutgoingListeners.isEmpty()) {
            return;
        }
        ArrayNode rest = eventData.deepCopy();
        String event = rest.remove(0).asText();
        for (AnyListener listener : anyOutgoingListeners) {
            guarded(HandlerKind.ANY_OUTGOING, event, () -> listener.handle(event, rest));
        }
    }

    /** An acknowledgement awaited from the client, and the handle that cancels its timeout (null without one). */
    private record PendingAck(AckCallback callback, Runnable cancelTimer) {
    }

    /** Registers the callback for an acknowledgement id of a broadcast; see {@link #dropAck}. */
    void expectAck(long ackId, AckCallback callback) {
        expectAck(ackId, callback, null);
    }

    /** On the loop, as every emit and broadcast part that asks for an acknowledgement. */
    private void expectAck(long ackId, AckCallback callback, Runnable cancelTimer) {
        Map<Long, PendingAck> acks = pendingAcks;
        if (acks == null) {
            acks = new ConcurrentHashMap<>(4);
            pendingAcks = acks;
        }
        acks.put(ackId, new PendingAck(callback, cancelTimer));
    }

    private PendingAck removeAck(long ackId) {
        Map<Long, PendingAck> acks = pendingAcks;
        return acks == null ? null : acks.remove(ackId);
    }

    /** Forgets an acknowledgement no one waits for any more (a broadcast that timed out). */
    void dropAck(long ackId) {
        PendingAck pending = removeAck(ackId);
        if (pending != null && pending.cancelTimer() != null) {
            pending.cancelTimer().run();
        }
    }

    /** How many acknowledgements this socket still waits for (each with its timer, if it has one). */
    int pendingAckCount() {
        Map<Long, PendingAck> acks = pendingAcks;
        return acks == null ? 0 : acks.size();
    }

    private void callAck(AckCallback callback, Throwable error, ArrayNode args) {
        guarded(HandlerKind.ACK, null, () -> callback.onAck(error, args));
    }

    void sendAck(long ackId, ArrayNode args) {
        packet(Packet.ack(namespace.name(), args, ackId));
    }

    /** Sends a packet to this client; before the CONNECT reply it waits, so nothing precedes the reply. */
    void packet(Packet packet) {
        if (!loop.inLoop()) {
            onLoop(() -> packet(packet));
            return;
        }
        if (disconnected) {
            return;
        }
        List<OutboundPacket> encoded = namespace.server().encode(packet);
        write(encoded, false);
        observer().packetsOut(packet.type(), 1);
        observer().messagesOut(encoded, 1);
    }

    /**
     * Writes encoded packets to this client, direct or broadcast, on the loop: while the CONNECT reply is held back
     * they wait behind it, in call order.
     */
    void write(List<OutboundPacket> encoded, boolean isVolatile) {
        if (held != null) {
            held.add(encoded);
            return;
        }
        client.write(encoded, isVolatile);
    }

    // ---- rooms and broadcasting ----

    public Socket join(String room) {
        return join(Set.of(room));
    }

    public Socket join(String... rooms) {
        return join(Arrays.asList(rooms));
    }

    /**
     * Joins all the rooms, or none of them when that would take this socket past
     * {@link ServerOptions#maxRoomsPerSocket()} ({@link TooManyRoomsException}). After the socket closed it does
     * nothing, as in the reference: its rooms are gone and must stay gone.
     *
     * <p>The join runs on the socket's loop: at once when called there, else queued there, in call order with the
     * caller's other emits, joins and broadcasts, so that {@code join("r"); to("r").emit(...)} from any one thread
     * reaches the socket. From another thread {@link #rooms()} shows the room once the loop ran the join, and the
     * limit is checked there, then: a join that would pass it is skipped (and logged), except one asking for more
     * rooms than the limit at once, which throws here.
     */
    public Socket join(Collection<String> rooms) {
        Set<String> wanted = Set.copyOf(rooms);
        int limit = namespace.server().options().maxRoomsPerSocket();
        if (loop.inLoop()) {
            if (!tryJoin(wanted)) {
                throw new TooManyRoomsException(limit);
            }
        } else if (wanted.size() > limit) {
            throw new TooManyRoomsException(limit);
        } else {
            namespace.roomChanges().run(loop, () -> joinOrSkip(wanted));
        }
        return this;
    }

    /** {@code socketsJoin}: a socket the rooms would take past the limit is skipped, and the others still join. */
    void joinOrSkip(Set<String> wanted) {
        if (!tryJoin(wanted)) {
            log.debug("socket {} not joined to {}: over maxRoomsPerSocket", id, wanted);
        }
    }

    /**
     * Joins all the rooms, or none when that would pass the limit (false); on the loop, where {@link #onClose} runs
     * too, so that a join never lands after the socket left its rooms.
     */
    private boolean tryJoin(Set<String> wanted) {
        if (disconnected) {
            return true;
        }
        int limit = namespace.server().options().maxRoomsPerSocket();
        int count = connected ? namespace.adapter().socketRoomCount(id) : rooms().size();
        if (count + wanted.size() > limit) {
            Set<String> current = rooms();
            long added = wanted.stream().filter(room -> !current.contains(room)).count();
            if (current.size() + added > limit) {
                return false;
            }
        }
        if (!connected) {
            // in a middleware: nothing enters the rooms index until the CONNECT is accepted
            Set<String> early = joinedEarly;
            if (early == null) {
                early = ConcurrentHashMap.newKeySet(4);
                joinedEarly = early;
            }
            early.addAll(wanted);
            return true;
        }
        namespace.adapter().addAll(id, wanted);
        stateChanged();
        return true;
    }

    /** Leaves the room, on the socket's loop as {@link #join} does; after close it does nothing. */
    public Socket leave(String room) {
        namespace.roomChanges().run(loop, () -> leaveOnLoop(room));
        return this;
    }

    private void leaveOnLoop(String room) {
        if (disconnected) {
            return;
        }
        if (!connected) {
            Set<String> early = joinedEarly;
            if (early != null) {
                early.remove(room);
            }
            return;
        }
        namespace.adapter().del(id, room);
        stateChanged();
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
        if (!loop.inLoop()) {
            onLoop(() -> disconnect(close));
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
        if (recoverable && connectOffset == null && !recovered) {
            // a new session: it will recover from where the log stands now, when it was accepted
            connectOffset = namespace.recovery().head();
        }
        // on the loop, as every join: one from another thread runs after this, into the rooms index
        connected = true;
        // the rooms of a recovered socket were within the limit when it joined them
        namespace.adapter().addAll(id, Set.of(id));
        if (roomsToRestore != null) {
            namespace.adapter().addAll(id, roomsToRestore);
            roomsToRestore = null;
        }
        Set<String> early = joinedEarly;
        if (early != null) {
            joinedEarly = null;
            namespace.adapter().addAll(id, early);
        }
        if (catchUp != null) {
            missedPackets = catchUp.settle(missedPackets, data -> packet(Packet.event(namespace.name(), data, null)));
            catchUp = null;
        }
        pendingReply = connectReply;
        stateChanged();
    }

    /**
     * Tells a recovery store that keeps live sessions (Redis) that this socket's state changed, once per loop turn
     * however many changes the turn made, so that the socket can be recovered even if this node dies.
     */
    private void stateChanged() {
        // before the CONNECT is accepted there is nothing to keep (onConnect saves what a middleware changed), and
        // asking for the store would make it for a CONNECT that may yet be refused
        if (!connected || !recoverable || stateSavePending || disconnected) {
            return;
        }
        RecoveryStore store = namespace.recovery();
        if (store == null || !store.keepsLiveSessions()) {
            return;
        }
        stateSavePending = true;
        loop.execute(() -> {
            stateSavePending = false;
            if (connected && !disconnected) {
                store.update(sessionState());
            }
        });
    }

    private SessionState sessionState() {
        SocketData current = data;
        return new SessionState(id, pid(), rooms(), current == null ? Map.of() : current.objectSnapshot(),
                connectOffset == null ? "" : connectOffset);
    }

    /**
     * The connection handlers have run (so the rooms they join exist before the client can act): write the reply
     * and what a recovered client missed, then what was emitted or broadcast to the socket meanwhile, in that order.
     * Over websocket the rest follows a millisecond later, so that the reply and what follows reach the client as
     * separate reads, as they do from the reference server (clients that take one message per tick, as the official
     * protocol suite, rely on it); what comes in that millisecond waits behind, in order. Over polling everything
     * goes at once, so that the first response carries all that is ready.
     */
    void afterConnectionHandlers() {
        if (disconnected || !"websocket".equals(transport())) {
            List<OutboundPacket> all = new ArrayList<>(replyPackets());
            List<List<OutboundPacket>> waiting = held;
            held = null;
            if (waiting != null) {
                waiting.forEach(all::addAll);
            }
            if (!all.isEmpty()) {
                client.write(all, false);
            }
        } else {
            writeReply();
            loop.schedule(this::releaseHeld, HOLD_AFTER_CONNECT_MS);
        }
    }

    private void writeReply() {
        List<OutboundPacket> reply = replyPackets();
        if (!reply.isEmpty()) {
            client.write(reply, false);
        }
    }

    /** The CONNECT reply and what a recovered client missed, encoded; empty once taken. */
    private List<OutboundPacket> replyPackets() {
        Packet reply = pendingReply;
        if (reply == null) {
            return List.of();
        }
        pendingReply = null;
        List<OutboundPacket> packets = new ArrayList<>(namespace.server().encode(reply));
        for (ArrayNode missed : missedPackets) {
            packets.addAll(namespace.server().encode(Packet.event(namespace.name(), missed, null)));
        }
        missedPackets = List.of();
        return packets;
    }

    private void releaseHeld() {
        List<List<OutboundPacket>> waiting = held;
        held = null;
        if (waiting == null) {
            return;
        }
        for (List<OutboundPacket> packets : waiting) {
            // written even if the socket disconnected meanwhile: its DISCONNECT packet may be among them
            client.write(packets, false);
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
        // the packet was decoded for this socket alone and is dropped after this: its array becomes the arguments
        ArrayNode args = (ArrayNode) packet.data();
        String name = args.remove(0).asText();
        Event event = new Event(this, name, args, packet.ackId());
        namespace.server().options().observer().eventIn(namespace.name(), event.name());
        runPacketMiddlewares(event, 0);
    }

    private void runPacketMiddlewares(Event event, int index) {
        if (packetMiddlewares == null || index >= packetMiddlewares.size()) {
            dispatch(event);
            return;
        }
        PacketMiddleware middleware = packetMiddlewares.get(index);
        Consumer<Exception> next = error -> onLoop(() -> {
            if (error != null) {
                emitError(error);
            } else if (connected) {
                runPacketMiddlewares(event, index + 1);
            }
        });
        try {
            middleware.handle(event, next);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // a middleware that throws refuses the event, as one that passes an error would
            UserCode.failed(observer(), HandlerKind.PACKET_MIDDLEWARE, id, event.name(), e);
            emitError(e instanceof Exception exception ? exception : new RuntimeException(e));
        }
    }

    private void dispatch(Event event) {
        if (anyListeners != null) {
            for (AnyListener listener : anyListeners) {
                guarded(HandlerKind.ANY, event.name(), () -> listener.handle(event.name(), event.args()));
            }
        }
        EventHandlers registered = handlers;
        for (int i = 0; i < registered.size(); i++) {
            if (registered.event(i).equals(event.name())) {
                EventHandler handler = registered.handler(i);
                guarded(HandlerKind.EVENT, event.name(), () -> handler.handle(event));
            }
        }
    }

    private void emitError(Exception error) {
        if (errorListeners == null) {
            log.debug("packet middleware refused an event on socket {}: {}", id, error.getMessage());
            return;
        }
        for (Consumer<Exception> listener : errorListeners) {
            guarded(HandlerKind.ERROR, null, () -> listener.accept(error));
        }
    }

    private void onAck(Packet packet) {
        PendingAck pending = removeAck(packet.ackId());
        if (pending == null) {
            return;
        }
        if (pending.cancelTimer() != null) {
            pending.cancelTimer().run();
        }
        callAck(pending.callback(), null, (ArrayNode) packet.data());
    }

    /** Leaves every room and the namespace, telling the listeners (disconnecting first, while rooms are readable). */
    void onClose(String reason) {
        if (!connected || disconnected) {
            return;
        }
        if (disconnectingListeners != null) {
            for (Consumer<String> listener : disconnectingListeners) {
                guarded(HandlerKind.DISCONNECTING, "disconnecting", () -> listener.accept(reason));
            }
        }
        // from here on a join does nothing (it runs on this loop too, see tryJoin), so delAll below is final
        disconnected = true;
        connected = false;
        // whatever waits goes out now, before the connection may close (disconnect(true) in a connection handler)
        writeReply();
        releaseHeld();
        RecoveryStore store = namespace.recovery();
        if (store != null && recoverable) {
            try {
                if (RECOVERABLE.contains(reason)) {
                    store.save(sessionState(),
                            namespace.server().options().connectionStateRecovery().maxDisconnectionDuration());
                } else {
                    store.forget(pid());
                }
            } catch (RuntimeException e) {
                // the cleanup below must run whatever the store did
                log.warn("the recovery store failed to keep the session of socket {}", id, e);
            }
        }
        namespace.adapter().delAll(id);
        namespace.remove(this);
        client.remove(this);
        namespace.server().options().observer().disconnected(this, reason);
        if (disconnectListeners != null) {
            for (Consumer<String> listener : disconnectListeners) {
                guarded(HandlerKind.DISCONNECT, "disconnect", () -> listener.accept(reason));
            }
        }
    }

    @Override
    public String toString() {
        return "Socket{" + id + " " + namespace.name() + "}";
    }
}
