package io.switchboard.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace: its middlewares, connection handlers, local sockets and adapter. Broadcasting methods act on all of
 * its sockets across the cluster; {@link #to} and friends narrow the selection.
 */
public final class Namespace {
    private static final Logger log = LoggerFactory.getLogger(Namespace.class);

    private final String name;
    private final Server server;
    private final List<Middleware> middlewares;
    private final List<Consumer<Socket>> connectionHandlers;
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<String, List<ServerSideListener>> serverSideListeners = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final LoopMailboxes mailboxes = new LoopMailboxes();
    private final RoomChanges roomChanges = new RoomChanges(mailboxes);
    private final AdapterFactory adapterFactory;
    /** Made on first use: a dynamic child gets one only when a socket joins it (or the application asks). */
    private volatile Adapter adapter;
    /** Made on first use, like the adapter: a CONNECT refused by a middleware makes none (nor its Redis keys). */
    private volatile RecoveryStore recovery;
    /** The dynamic parent this child was made from; null for a namespace the application created. */
    private final ParentNamespace parent;
    /** Connected sockets plus CONNECTs in progress; a dynamic child may go only at zero. */
    private final AtomicInteger holds = new AtomicInteger();
    private volatile long idleSince;
    private volatile boolean removed;

    /** A namespace created from a dynamic parent starts with the parent's middlewares and handlers. */
    Namespace(String name, Server server, ParentNamespace parent, List<Middleware> middlewares,
              List<Consumer<Socket>> connectionHandlers, AdapterFactory adapterFactory) {
        this.name = name;
        this.server = server;
        this.parent = parent;
        this.middlewares = middlewares;
        this.connectionHandlers = connectionHandlers;
        this.adapterFactory = adapterFactory;
        if (parent == null) {
            adapter();   // an application's namespace joins the cluster at once, as before
        }
    }

    Namespace(String name, Server server, AdapterFactory adapterFactory) {
        this(name, server, null, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), adapterFactory);
    }

    public String name() {
        return name;
    }

    public Server server() {
        return server;
    }

    /** The adapter, made (and for a cluster adapter, subscribed) on first use. */
    /** Where joins and leaves run on their socket's loop (and broadcasts learn of those still queued). */
    RoomChanges roomChanges() {
        return roomChanges;
    }

    /** Where what this namespace asks of a loop from elsewhere waits its turn there, in order. */
    LoopMailboxes mailboxes() {
        return mailboxes;
    }

    public Adapter adapter() {
        Adapter current = adapter;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (adapter == null) {
                Adapter made = adapterFactory.create(this);
                made.init();
                adapter = made;
                if (removed) {
                    made.close();   // asked for after removal: it works locally but holds no subscription
                }
            }
            return adapter;
        }
    }

    boolean hasAdapter() {
        return adapter != null;
    }

    ParentNamespace parent() {
        return parent;
    }

    // ---- holds: what keeps a dynamic child alive ----

    /** Taken under the server's map lock for this name, so a removal cannot cross it. */
    void hold() {
        holds.incrementAndGet();
    }

    /** A CONNECT settled without a socket, or a socket left: at zero the server may remove the child. */
    void release() {
        if (holds.decrementAndGet() == 0) {
            idleSince = System.nanoTime();
            server.idle(this);
        }
    }

    boolean unheld() {
        return holds.get() == 0;
    }

    long idleSince() {
        return idleSince;
    }

    void markRemoved() {
        removed = true;
    }

    /** Whether the server removed this dynamic child (it was empty); a new CONNECT makes a new one. */
    public boolean removed() {
        return removed;
    }

    /** Closes the adapter (leaving the cluster) and the recovery store; never blocks. */
    void closeResources() {
        Adapter current;
        RecoveryStore store;
        synchronized (this) {
            removed = true;
            current = adapter;
            store = recovery;
        }
        // guarded: this runs in the cleanup of a closing socket or connection, which must go on whatever happens
        try {
            if (current != null) {
                current.close();
            }
            if (store != null) {
                store.close();
            }
        } catch (RuntimeException e) {
            log.warn("closing the adapter or recovery store of namespace {} failed", name, e);
        }
    }

    /** The recovery store, made on first use; null when connection state recovery is off. */
    public RecoveryStore recovery() {
        RecoveryStore current = recovery;
        if (current != null) {
            return current;
        }
        RecoveryOptions options = server.options().connectionStateRecovery();
        if (options == null) {
            return null;
        }
        synchronized (this) {
            if (recovery == null) {
                RecoveryStore made = server.options().recoveryStore().create(this, options);
                recovery = made;
                if (removed) {
                    made.close();   // asked for after removal: it answers locally but keeps nothing in Redis alive
                }
            }
            return recovery;
        }
    }

    /** Adds a middleware run for every socket before it joins. */
    public Namespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /** Adds a handler for each socket that joined ({@code on("connection")}). */
    public Namespace onConnection(Consumer<Socket> handler) {
        connectionHandlers.add(handler);
        return this;
    }

    /** Listens to {@code serverSideEmit} from other nodes. */
    public Namespace onServerSideEmit(String event, ServerSideListener listener) {
        serverSideListeners.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(listener);
        return this;
    }

    /** A listener of events other nodes emit with {@code serverSideEmit}; {@code ack} is null when none is asked. */
    @FunctionalInterface
    public interface ServerSideListener {
        void handle(ArrayNode args, Consumer<JsonNode> ack);
    }

    /** Delivers a server-side event from another node to this node's listeners (called by cluster adapters). */
    public void onServerSideEvent(ArrayNode eventAndArgs, Consumer<JsonNode> ack) {
        ArrayNode args = eventAndArgs.deepCopy();
        String event = args.remove(0).asText();
        List<ServerSideListener> listeners = serverSideListeners.get(event);
        if (listeners == null) {
            return;
        }
        for (ServerSideListener listener : listeners) {
            UserCode.run(server.options().observer(), HandlerKind.SERVER_SIDE, null, event,
                    () -> listener.handle(args, ack));
        }
    }

    /** The sockets connected to this namespace on this node. */
    public Collection<Socket> localSockets() {
        return sockets.values();
    }

    public Socket localSocket(String id) {
        return sockets.get(id);
    }

    /** The next acknowledgement id of this namespace; cluster adapters number the remote broadcasts they deliver. */
    public long nextAckId() {
        return ackIds.getAndIncrement();
    }

    BroadcastOperator operator() {
        return new BroadcastOperator(this, Set.of(), Set.of(), BroadcastFlags.DEFAULT);
    }

    // ---- broadcasting, cluster-wide ----

    public BroadcastOperator to(String... rooms) {
        return operator().to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return operator().to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return operator().except(rooms);
    }

    public BroadcastOperator asVolatile() {
        return operator().asVolatile();
    }

    public BroadcastOperator local() {
        return operator().local();
    }

    public BroadcastOperator compress(boolean compress) {
        return operator().compress(compress);
    }

    public BroadcastOperator timeout(long millis) {
        return operator().timeout(millis);
    }

    public BroadcastOperator timeout(java.time.Duration timeout) {
        return operator().timeout(timeout);
    }

    public void emit(String event, Object... args) {
        operator().emit(event, args);
    }

    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return operator().emitWithAck(event, args);
    }

    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return operator().fetchSockets();
    }

    public void socketsJoin(String... rooms) {
        operator().socketsJoin(rooms);
    }

    public void socketsLeave(String... rooms) {
        operator().socketsLeave(rooms);
    }

    public void disconnectSockets(boolean close) {
        operator().disconnectSockets(close);
    }

    /** Emits to the namespace listeners of the other nodes. */
    public void serverSideEmit(String event, Object... args) {
        adapter().serverSideEmit(server.json().event(event, args));
    }

    /** The same, collecting one answer per other node within the timeout. */
    public CompletableFuture<ArrayNode> serverSideEmitWithAck(long timeoutMillis, String event, Object... args) {
        return adapter().serverSideEmitWithAck(server.json().event(event, args), timeoutMillis);
    }

    public CompletableFuture<ArrayNode> serverSideEmitWithAck(java.time.Duration timeout, String event,
                                                              Object... args) {
        return serverSideEmitWithAck(timeout.toMillis(), event, args);
    }

    // ---- joining ----

    /** Runs the middlewares for a new socket, then connects it, or refuses with CONNECT_ERROR. */
    void add(Client client, Socket socket) {
        RecoveryOptions recoveryOptions = server.options().connectionStateRecovery();
        if (socket.recovered() && recoveryOptions.skipMiddlewares()) {
            connect(client, socket);
        } else {
            runMiddlewares(client, socket, 0);
        }
    }

    private void runMiddlewares(Client client, Socket socket, int index) {
        if (index >= middlewares.size()) {
            connect(client, socket);
            return;
        }
        Middleware middleware = middlewares.get(index);
        try {
            middleware.handle(socket, error -> client.loop().execute(() -> {
                if (error != null) {
                    refuse(client, error);
                } else {
                    runMiddlewares(client, socket, index + 1);
                }
            }));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // a middleware that throws refuses the socket, as one that passes an error would
            UserCode.failed(server.options().observer(), HandlerKind.MIDDLEWARE, socket.id(), null, e);
            refuse(client, e instanceof Exception exception ? exception : new RuntimeException(e));
        }
    }

    private void refuse(Client client, Exception error) {
        // first: the namespace goes (if this CONNECT made it) even if what follows throws; a CONNECT settled already
        // (a middleware that answered twice, a client gone) gets no second answer
        if (!client.stopConnecting(name)) {
            return;
        }
        Object data = error instanceof ConnectError connectError ? connectError.data() : null;
        JsonNode dataNode = data == null ? null : server.json().toNode(data);
        String message = error.getMessage() == null ? "error" : error.getMessage();
        // the error's data.code (e.g. invalid_token), when it has one, says why better than its message
        JsonNode code = dataNode == null ? null : dataNode.get("code");
        server.options().observer().connectRefused(name, code != null && code.isTextual() ? code.asText() : message);
        Packet refusal = client.protocol4() ? Protocol4.connectError(name, message, dataNode)
                : Packet.connectError(name, message, dataNode);
        client.write(server.encode(refusal), false);
    }

    private void connect(Client client, Socket socket) {
        if (!client.isOpen() || !client.isConnecting(name)) {
            return;
        }
        sockets.put(socket.id(), socket);
        client.added(socket);
        socket.onConnect(connectReply(socket));
        server.options().observer().connected(socket, socket.recovered());
        for (Consumer<Socket> handler : connectionHandlers) {
            UserCode.run(server.options().observer(), HandlerKind.CONNECTION, socket.id(), "connection",
                    () -> handler.accept(socket));
        }
        socket.afterConnectionHandlers();
    }

    private Packet connectReply(Socket socket) {
        if (socket.client().protocol4()) {
            return Packet.connect(name, null);   // protocol 4: no payload, the client knows its id
        }
        String pid = socket.pid();
        if (pid == null) {
            return Packet.connectReply(name, socket.id());
        }
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("sid", socket.id());
        reply.put("pid", pid);
        return Packet.connect(name, reply);
    }

    void remove(Socket socket) {
        if (sockets.remove(socket.id(), socket)) {
            release();   // the socket's hold, taken over from its CONNECT
        }
    }

}
