package io.switchboard.core;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.memory.HeapReturn;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionIds;
import io.switchboard.protocol.EncodedPacket;
import io.switchboard.protocol.EventArgs;
import io.switchboard.protocol.FrameDecoder;
import io.switchboard.protocol.MsgpackDecoder;
import io.switchboard.protocol.MsgpackEncoder;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.PacketEncoder;
import io.switchboard.protocol.PacketReader;
import io.switchboard.protocol.Parser;

/**
 * A Socket.IO server: namespaces over an Engine.IO server. The main namespace "/" always exists; the methods on the
 * server itself act on it, as in the reference server.
 */
public final class Server implements AutoCloseable {
    private final ServerOptions options;
    private final EngineServer engine;
    private final EventArgs json = new EventArgs();
    private final PacketEncoder encoder = new PacketEncoder();
    /** Shared by every connection's decoder: it holds the JSON factory, which is costly to make per connection. */
    private final PacketReader reader;
    /** Both null unless {@link ServerOptions#parser()} is msgpack (so msgpack-core is only needed then). */
    private final MsgpackEncoder msgpackEncoder;
    private final MsgpackDecoder msgpackDecoder;
    private final SessionIds socketIds = new SessionIds();
    private final PrivateIds privateIds = new PrivateIds();
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    /** Live namespaces, static and dynamic, against {@link ServerOptions#maxNamespaces()}. */
    private final AtomicInteger namespaceCount = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final HeapReturn.Hold heapReturn;
    private final List<ParentNamespace> parents = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-timers");
        thread.setDaemon(true);
        return thread;
    });

    public Server(ServerOptions options) {
        this.options = options;
        this.reader = new PacketReader(options.decoderLimits());
        boolean msgpack = options.parser() == Parser.MSGPACK;
        this.msgpackEncoder = msgpack ? new MsgpackEncoder() : null;
        this.msgpackDecoder = msgpack ? new MsgpackDecoder(options.decoderLimits()) : null;
        this.engine = new EngineServer(options.engine(), this::onEngineSession);
        this.heapReturn = options.returnHeapAfterBursts() ? HeapReturn.acquire() : () -> { };
        of("/");
    }

    public Server() {
        this(new ServerOptions());
    }

    public ServerOptions options() {
        return options;
    }

    /** The Engine.IO server underneath, for HTTP routes and session counts. */
    public EngineServer engine() {
        return engine;
    }

    public EventArgs json() {
        return json;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    /**
     * The namespace of that name, created when missing: an application's namespace, never removed. A live dynamic
     * child of that name is returned as it is (as in the reference server, it still goes when it empties).
     */
    public Namespace of(String name) {
        String normalised = name.startsWith("/") ? name : "/" + name;
        Namespace existing = namespaces.get(normalised);
        if (existing != null && existing.parent() == null) {
            return existing;
        }
        return namespaces.compute(normalised, (n, current) -> {
            if (current != null) {
                return current;   // a dynamic child, as in the reference: still removed when it empties
            }
            namespaceCount.incrementAndGet();   // asked for by the application: counted, never refused
            return new Namespace(n, this, options.adapter());
        });
    }

    /** Namespaces created on first connection for every name the predicate accepts. */
    public ParentNamespace of(Predicate<String> names) {
        ParentNamespace parent = new ParentNamespace(names);
        parents.add(parent);
        return parent;
    }

    /** Namespaces created on first connection for every name matching the whole pattern. */
    public ParentNamespace of(Pattern names) {
        return of(name -> names.matcher(name).matches());
    }

    /**
     * The namespace a client connecting to {@code name} (normalised, e.g. "/chat") would join: the existing one, or
     * one created from a matching dynamic parent, with the parent's middlewares and handlers; null if none matches or
     * {@link ServerOptions#maxNamespaces()} are live. A child made here stays until a socket of it comes and goes.
     */
    public Namespace namespaceFor(String name) {
        try {
            return lookup(name, false);
        } catch (NamespaceLimitException e) {
            return null;
        }
    }

    /**
     * The namespace a CONNECT joins, with a hold on it ({@link Namespace#release} gives it back): a dynamic child
     * is removed only once nothing holds it, so a lookup and a removal never cross. Null when no namespace matches.
     *
     * @throws NamespaceLimitException when a new child would pass {@link ServerOptions#maxNamespaces()}
     */
    Namespace reserve(String name) {
        return lookup(name, true);
    }

    private Namespace lookup(String name, boolean hold) {
        Namespace existing = namespaces.get(name);
        if (existing != null && existing.parent() == null) {
            if (hold) {
                existing.hold();   // static: never removed, the count is only kept in step
            }
            return existing;
        }
        ParentNamespace parent = existing != null ? existing.parent() : matchingParent(name);
        if (parent == null) {
            return null;
        }
        Namespace[] found = new Namespace[1];
        namespaces.compute(name, (n, current) -> {
            if (current == null) {
                if (!takeNamespaceSlot()) {
                    return null;
                }
                current = parent.createChild(n, this, options.adapter());
            }
            if (hold) {
                current.hold();
            }
            found[0] = current;
            return current;
        });
        if (found[0] == null) {
            throw NamespaceLimitException.INSTANCE;
        }
        return found[0];
    }

    private ParentNamespace matchingParent(String name) {
        for (ParentNamespace parent : parents) {
            if (parent.matches(name)) {
                return parent;
            }
        }
        return null;
    }

    private boolean takeNamespaceSlot() {
        int max = options.maxNamespaces();
        while (true) {
            int count = namespaceCount.get();
            if (count >= max) {
                return false;
            }
            if (namespaceCount.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /**
     * Nothing holds this dynamic child any more (no socket, no CONNECT in progress): it goes with its adapter and
     * Redis subscriptions if no socket ever joined it (a refused or abandoned CONNECT), or if
     * {@link ServerOptions#cleanupEmptyChildNamespaces} is on. With connection state recovery on, a child that had
     * sockets stays for the recovery window, so that they can still come back to it.
     */
    void idle(Namespace namespace) {
        if (namespace.parent() == null || closed.get()) {
            return;
        }
        boolean hadSockets = namespace.hasAdapter();
        if (hadSockets && !options.cleanupEmptyChildNamespaces()) {
            return;
        }
        RecoveryOptions recovery = options.connectionStateRecovery();
        if (hadSockets && recovery != null) {
            long window = recovery.maxDisconnectionDuration();
            long idleSince = namespace.idleSince();
            try {
                timers.schedule(() -> {
                    if (namespace.idleSince() == idleSince) {
                        remove(namespace);
                    }
                }, window, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server is closing: it closes every namespace itself
            }
            return;
        }
        remove(namespace);
    }

    private void remove(Namespace namespace) {
        boolean[] removed = new boolean[1];
        namespaces.computeIfPresent(namespace.name(), (n, current) -> {
            if (current != namespace || !namespace.unheld()) {
                return current;
            }
            // under the map's lock for this name: a CONNECT looking it up waits, then makes a new child
            namespace.parent().forget(namespace);
            namespace.markRemoved();
            namespaceCount.decrementAndGet();
            removed[0] = true;
            return null;
        });
        if (removed[0]) {
            namespace.closeResources();
        }
    }

    /** How many namespaces are live on this node (what {@link ServerOptions#maxNamespaces()} bounds). */
    public int namespaceCount() {
        return namespaceCount.get();
    }

    public Map<String, Namespace> namespaces() {
        return Map.copyOf(namespaces);
    }

    // ---- the main namespace ----

    public Namespace sockets() {
        return of("/");
    }

    public Server use(Middleware middleware) {
        sockets().use(middleware);
        return this;
    }

    public Server onConnection(Consumer<Socket> handler) {
        sockets().onConnection(handler);
        return this;
    }

    public BroadcastOperator to(String... rooms) {
        return sockets().to(rooms);
    }

    public BroadcastOperator in(String... rooms) {
        return sockets().in(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return sockets().except(rooms);
    }

    public BroadcastOperator timeout(long millis) {
        return sockets().timeout(millis);
    }

    public BroadcastOperator timeout(java.time.Duration timeout) {
        return sockets().timeout(timeout);
    }

    public BroadcastOperator local() {
        return sockets().local();
    }

    public void emit(String event, Object... args) {
        sockets().emit(event, args);
    }

    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return sockets().emitWithAck(event, args);
    }

    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return sockets().fetchSockets();
    }

    public void serverSideEmit(String event, Object... args) {
        sockets().serverSideEmit(event, args);
    }

    // ---- lifecycle ----

    /**
     * Binds and starts serving. When it cannot (a port in use), everything the server made is released before the
     * exception (a {@link java.net.BindException}) is thrown, so that nothing keeps the JVM alive.
     */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        try {
            return engine.start(host, port);
        } catch (Throwable e) {
            close();
            throw e;
        }
    }

    /** Disconnects every local socket ("server shutting down"), closes the adapters, then the engine. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CountDownLatch closed = new CountDownLatch(clients.size());
        for (Client client : List.copyOf(clients)) {
            client.loop().execute(() -> {
                client.close(DisconnectReason.SERVER_SHUTTING_DOWN);
                closed.countDown();
            });
        }
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Namespace namespace : namespaces.values()) {
            namespace.closeResources();
        }
        engine.stop();
        timers.shutdownNow();
        heapReturn.close();
    }

    // ---- internals shared by namespaces and sockets ----

    private void onEngineSession(EngineSession session) {
        Client client = new Client(this, session);
        clients.add(client);
        if (client.protocol4()) {
            client.connectImplicitly();
        }
    }

    void removed(Client client) {
        clients.remove(client);
    }

    /** A decoder for one connection (the msgpack one is stateless and shared). */
    FrameDecoder newDecoder() {
        return msgpackDecoder != null ? msgpackDecoder : reader.newDecoder();
    }

    String newSocketId() {
        return socketIds.next();
    }

    PrivateIds privateIds() {
        return privateIds;
    }

    /**
     * Encodes once into the Engine.IO packets every recipient will be sent, with the server's parser: the text, then
     * each attachment; or, with msgpack, one binary message.
     */
    public List<OutboundPacket> encode(Packet packet) {
        if (msgpackEncoder != null) { // one binary message, binary values inline
            return List.of(OutboundPacket.binary(msgpackEncoder.encode(packet)));
        }
        EncodedPacket encoded = encoder.encode(packet);
        if (!encoded.hasAttachments()) {
            return List.of(OutboundPacket.message(encoded.text()));
        }
        List<OutboundPacket> packets = new ArrayList<>(1 + encoded.attachments().size());
        packets.add(OutboundPacket.message(encoded.text()));
        for (byte[] attachment : encoded.attachments()) {
            packets.add(OutboundPacket.binary(attachment));
        }
        return packets;
    }
}
