package io.switchboard.core;

import io.switchboard.engine.EngineOptions;
import io.switchboard.protocol.DecoderLimits;
import io.switchboard.protocol.Parser;

/** Socket.IO server options with the reference names and defaults, plus the Engine.IO ones beneath. */
public final class ServerOptions {
    private EngineOptions engine = new EngineOptions();
    private long connectTimeout = 45_000;
    private DecoderLimits decoderLimits = DecoderLimits.DEFAULTS;
    private Parser parser = Parser.DEFAULT;
    private int maxNamespacesPerSession = 32;
    private int maxNamespaces = 1_000;
    private boolean cleanupEmptyChildNamespaces;
    private int maxRoomsPerSocket = 1_000;
    private int maxAuthBytes = 16 * 1024;
    private AdapterFactory adapter = InMemoryAdapter::new;
    private RecoveryOptions connectionStateRecovery;
    private ServerObserver observer = ServerObserver.NONE;
    private boolean returnHeapAfterBursts = true;
    private RecoveryStoreFactory recoveryStore = (namespace, recovery) ->
            new InMemoryRecoveryStore(recovery.maxDisconnectionDuration());

    /** Makes the recovery store of each namespace when recovery is on. */
    @FunctionalInterface
    public interface RecoveryStoreFactory {
        RecoveryStore create(Namespace namespace, RecoveryOptions recovery);
    }

    public EngineOptions engine() {
        return engine;
    }

    public ServerOptions engine(EngineOptions value) {
        this.engine = value;
        return this;
    }

    public long connectTimeout() {
        return connectTimeout;
    }

    /** How long a connection may stay without joining a namespace before it is closed. */
    public ServerOptions connectTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + millis);
        }
        this.connectTimeout = millis;
        return this;
    }

    public DecoderLimits decoderLimits() {
        return decoderLimits;
    }

    public ServerOptions decoderLimits(DecoderLimits value) {
        this.decoderLimits = value;
        return this;
    }

    public Parser parser() {
        return parser;
    }

    /**
     * How packets are written to and read from every client, as the reference server's {@code parser} option:
     * {@link Parser#MSGPACK} for clients built with {@code socket.io-msgpack-parser}. Server-wide, as clients
     * cannot say which one they use; the decoder limits apply to both.
     */
    public ServerOptions parser(Parser value) {
        this.parser = java.util.Objects.requireNonNull(value, "parser");
        return this;
    }

    public int maxNamespacesPerSession() {
        return maxNamespacesPerSession;
    }

    /**
     * Namespaces one connection may join at once; a CONNECT beyond them gets CONNECT_ERROR "Too many namespaces"
     * and the connection stays usable. Each namespace socket costs memory, and dynamic namespaces would otherwise
     * let one client make as many as it likes.
     */
    public ServerOptions maxNamespacesPerSession(int value) {
        this.maxNamespacesPerSession = positive("maxNamespacesPerSession", value);
        return this;
    }

    public int maxNamespaces() {
        return maxNamespaces;
    }

    /**
     * Namespaces live on this node at once, the application's own and the dynamic children: a CONNECT that would
     * create a child beyond them gets CONNECT_ERROR "Namespace limit reached" (observers hear the reason
     * {@code namespace_limit}). The application's own ({@link Server#of(String)}) count but are never refused. A
     * child that is removed ({@link #cleanupEmptyChildNamespaces}, or one no socket ever joined) frees its place.
     */
    public ServerOptions maxNamespaces(int value) {
        this.maxNamespaces = positive("maxNamespaces", value);
        return this;
    }

    public boolean cleanupEmptyChildNamespaces() {
        return cleanupEmptyChildNamespaces;
    }

    /**
     * As in the reference server: a dynamic child namespace whose last socket left is removed, its adapter closed
     * (a cluster adapter unsubscribes from Redis); the next CONNECT to that name makes a new one. With connection
     * state recovery on, the child stays for {@code maxDisconnectionDuration} after it became empty, so that its
     * clients can still recover. Off by default, as in the reference. Whatever this says, a child that no socket
     * ever joined (its CONNECTs were refused or abandoned) is removed at once.
     */
    public ServerOptions cleanupEmptyChildNamespaces(boolean value) {
        this.cleanupEmptyChildNamespaces = value;
        return this;
    }

    public boolean returnHeapAfterBursts() {
        return returnHeapAfterBursts;
    }

    /**
     * On by default: once a burst of work has ended (a connect storm, joins announced to rooms, a wave of polling
     * clients), the heap its garbage grew is given back to the system, so that a JVM started with its defaults does
     * not keep hundreds of MiB resident for connections that need a fraction of that. It acts on the JVM, so only
     * where the JVM was left to its defaults: with G1, it sets {@code MinHeapFreeRatio} 10 and
     * {@code MaxHeapFreeRatio} 20 unless either was given on the command line, and after each burst asks for one
     * concurrent cycle ({@code G1PeriodicGCInterval}, unless that was given); other collectors are left alone. All
     * servers of a process share it. Off leaves the JVM entirely as the application set it.
     */
    public ServerOptions returnHeapAfterBursts(boolean value) {
        this.returnHeapAfterBursts = value;
        return this;
    }

    public int maxRoomsPerSocket() {
        return maxRoomsPerSocket;
    }

    /**
     * Rooms one socket may be in, its own included: {@link Socket#join} beyond them throws
     * {@link TooManyRoomsException} and joins none of the rooms asked for.
     */
    public ServerOptions maxRoomsPerSocket(int value) {
        this.maxRoomsPerSocket = positive("maxRoomsPerSocket", value);
        return this;
    }

    public int maxAuthBytes() {
        return maxAuthBytes;
    }

    /**
     * The largest CONNECT packet (the handshake's {@code auth} payload and the namespace), in UTF-8 bytes; a larger
     * one gets CONNECT_ERROR "Handshake auth too large". The auth object is kept with the socket for its lifetime.
     */
    public ServerOptions maxAuthBytes(int value) {
        this.maxAuthBytes = positive("maxAuthBytes", value);
        return this;
    }

    private static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    public AdapterFactory adapter() {
        return adapter;
    }

    public ServerOptions adapter(AdapterFactory value) {
        this.adapter = value;
        return this;
    }

    public ServerObserver observer() {
        return observer;
    }

    public ServerOptions observer(ServerObserver value) {
        this.observer = value == null ? ServerObserver.NONE : value;
        return this;
    }

    /** Null when connection state recovery is off (the default). */
    public RecoveryOptions connectionStateRecovery() {
        return connectionStateRecovery;
    }

    public ServerOptions connectionStateRecovery(RecoveryOptions value) {
        this.connectionStateRecovery = value;
        return this;
    }

    public RecoveryStoreFactory recoveryStore() {
        return recoveryStore;
    }

    public ServerOptions recoveryStore(RecoveryStoreFactory value) {
        this.recoveryStore = value;
        return this;
    }
}
