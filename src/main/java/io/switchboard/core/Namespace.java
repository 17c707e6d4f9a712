package io.switchboard.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Packet;

/**
 * A namespace: its middlewares, connection handlers, local sockets and adapter. Broadcasting methods act on all of
 * its sockets across the cluster; {@link #to} and friends narrow the selection.
 */
public final class Namespace {
    private final String name;
    private final Server server;
    private final List<Middleware> middlewares;
    private final List<Consumer<Socket>> connectionHandlers;
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<String, List<ServerSideListener>> serverSideListeners = new ConcurrentHashMap<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final Adapter adapter;
    private final RecoveryStore recovery;

    /** A namespace created from a dynamic parent shares the parent's middlewares and handlers. */
    Namespace(String name, Server server, List<Middleware> middlewares, List<Consumer<Socket>> connectionHandlers,
              AdapterFactory adapterFactory) {
        this.name = name;
        this.server = server;
        this.middlewares = middlewares;
        this.connectionHandlers = connectionHandlers;
        this.adapter = adapterFactory.create(this);
        this.adapter.init();
        RecoveryOptions recoveryOptions = server.options().connectionStateRecovery();
        this.recovery = recoveryOptions == null ? null
                : server.options().recoveryStore().create(this, recoveryOptions);
    }

    Namespace(String name, Server server, AdapterFactory adapterFactory) {
        this(name, server, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), adapterFactory);
    }

    public String name() {
        return name;
    }

    public Server server() {
        return server;
    }

    public Adapter adapter() {
        return adapter;
    }

    /** The recovery store, or null when connection state recovery is off. */
    public RecoveryStore recovery() {
        return recovery;
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
        adapter.serverSideEmit(server.json().event(event, args));
    }

    /** The same, collecting one answer per other node within the timeout. */
    public CompletableFuture<ArrayNode> serverSideEmitWithAck(long timeoutMillis, String event, Object... args) {
        return adapter.serverSideEmitWithAck(server.json().event(event, args), timeoutMillis);
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
        Object data = error instanceof ConnectError connectError ? connectError.data() : null;
        JsonNode dataNode = data == null ? null : server.json().toNode(data);
        String message = error.getMessage() == null ? "error" : error.getMessage();
        server.options().observer().connectRefused(name, message);
        client.stopConnecting(name);
        client.write(server.encode(Packet.connectError(name, message, dataNode)), false);
    }

    private void connect(Client client, Socket socket) {
        if (!client.isOpen()) {
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
        if (socket.pid() == null) {
            return Packet.connectReply(name, socket.id());
        }
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("sid", socket.id());
        reply.put("pid", socket.pid());
        return Packet.connect(name, reply);
    }

    void remove(Socket socket) {
        sockets.remove(socket.id(), socket);
    }

}
