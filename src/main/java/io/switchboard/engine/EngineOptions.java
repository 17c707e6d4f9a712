package io.switchboard.engine;

import java.util.EnumSet;
import java.util.Set;

/** Engine.IO server options, with the reference server's names and defaults. */
public final class EngineOptions {
    public enum Transport {
        POLLING("polling"), WEBSOCKET("websocket");

        public final String wireName;

        Transport(String wireName) {
            this.wireName = wireName;
        }

        /** values() copies its array on every call, and this runs for every request. */
        private static final Transport[] ALL = values();

        public static Transport of(String name) {
            for (Transport t : ALL) {
                if (t.wireName.equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    private String path = "/socket.io/";
    private long pingInterval = 25_000;
    private long pingTimeout = 20_000;
    private long upgradeTimeout = 10_000;
    private int maxHttpBufferSize = 1_000_000;
    private Set<Transport> transports = EnumSet.allOf(Transport.class);
    private boolean allowUpgrades = true;
    private boolean allowEIO3;
    private CorsOptions cors = CorsOptions.DISABLED;
    private AllowRequest allowRequest;
    private boolean httpCompression = true;
    private boolean perMessageDeflate;
    private EngineObserver observer = EngineObserver.NONE;
    private long maxBufferedBytes = 4L * 1024 * 1024;
    private int maxInitialLineLength = 8 * 1024;
    private int maxHeaderSize = 16 * 1024;
    private int maxHeaderCount = 100;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int maxConnections;
    private int reservedConnections;
    private Set<String> reservedPaths = Set.of();
    private ConnectionGate connectionGate = ConnectionGate.NONE;
    private long httpIdleTimeout = 15_000;
    private long requestHeadTimeout = 10_000;
    private long httpRequestBodyTimeout = 30_000;
    private long websocketHandshakeTimeout = 10_000;
    private ClusterLink cluster;
    private long clusterForwardTimeout = 5_000;

    public String path() {
        return path;
    }

    /** Normalised to begin and end with a slash, like the reference server does. */
    public EngineOptions path(String value) {
        String p = value.startsWith("/") ? value : "/" + value;
        this.path = p.endsWith("/") ? p : p + "/";
        return this;
    }

    public long pingInterval() {
        return pingInterval;
    }

    public EngineOptions pingInterval(long millis) {
        this.pingInterval = positive("pingInterval", millis);
        return this;
    }

    public long pingTimeout() {
        return pingTimeout;
    }

    public EngineOptions pingTimeout(long millis) {
        this.pingTimeout = positive("pingTimeout", millis);
        return this;
    }

    public long upgradeTimeout() {
        return upgradeTimeout;
    }

    public EngineOptions upgradeTimeout(long millis) {
        this.upgradeTimeout = positive("upgradeTimeout", millis);
        return this;
    }

    public int maxHttpBufferSize() {
        return maxHttpBufferSize;
    }

    public EngineOptions maxHttpBufferSize(int bytes) {
        this.maxHttpBufferSize = (int) positive("maxHttpBufferSize", bytes);
        return this;
    }

    public Set<Transport> transports() {
        return transports;
    }

    public EngineOptions transports(Set<Transport> value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("transports: at least one of polling, websocket is needed");
        }
        this.transports = EnumSet.copyOf(value);
        return this;
    }

    public boolean allowUpgrades() {
        return allowUpgrades;
    }

    public EngineOptions allowUpgrades(boolean value) {
        this.allowUpgrades = value;
        return this;
    }

    public boolean allowEIO3() {
        return allowEIO3;
    }

    /**
     * Whether clients of Engine.IO protocol 3 may connect: socket.io-client 2.x and io.socket:socket.io-client 1.x,
     * which speak Socket.IO protocol 4. Off by default, as in the reference server. Only {@code EIO=3} is protocol 3
     * here (the reference also takes a missing or unknown {@code EIO} for it): a request naming no protocol is
     * refused either way.
     */
    public EngineOptions allowEIO3(boolean value) {
        this.allowEIO3 = value;
        return this;
    }

    public CorsOptions cors() {
        return cors;
    }

    public EngineOptions cors(CorsOptions value) {
        this.cors = value == null ? CorsOptions.DISABLED : value;
        return this;
    }

    public AllowRequest allowRequest() {
        return allowRequest;
    }

    public EngineOptions allowRequest(AllowRequest value) {
        this.allowRequest = value;
        return this;
    }

    public boolean httpCompression() {
        return httpCompression;
    }

    public EngineOptions httpCompression(boolean value) {
        this.httpCompression = value;
        return this;
    }

    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    public EngineOptions perMessageDeflate(boolean value) {
        this.perMessageDeflate = value;
        return this;
    }

    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /**
     * How much output may wait for a client (unsent websocket bytes, or packets queued for the next poll) before
     * the client is disconnected as a slow consumer ("transport error"), so that one client cannot grow the heap.
     */
    public EngineOptions maxBufferedBytes(long bytes) {
        this.maxBufferedBytes = positive("maxBufferedBytes", bytes);
        return this;
    }

    /**
     * How many event loops serve the connections. One per core by default: every loop only ever waits on I/O, so more
     * loops than cores add context switches and split each broadcast into more, smaller batches (on 2 cores, 4 loops
     * cost 1.5-2x the CPU per delivered broadcast message that 2 do).
     */
    public int ioThreads() {
        return ioThreads;
    }

    public EngineOptions ioThreads(int threads) {
        this.ioThreads = (int) positive("ioThreads", threads);
        return this;
    }

    public int maxInitialLineLength() {
        return maxInitialLineLength;
    }

    /** The longest HTTP request line (method, URI with its query, version); longer gets 414 and a closed connection. */
    public EngineOptions maxInitialLineLength(int bytes) {
        this.maxInitialLineLength = (int) positive("maxInitialLineLength", bytes);
        return this;
    }

    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /**
     * The most bytes of HTTP headers one request may have (Node's default, 16 KiB); more gets 431 and a closed
     * connection.
     */
    public EngineOptions maxHeaderSize(int bytes) {
        this.maxHeaderSize = (int) positive("maxHeaderSize", bytes);
        return this;
    }

    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /** The most HTTP header fields one request may have; more gets 431 and a closed connection. */
    public EngineOptions maxHeaderCount(int count) {
        this.maxHeaderCount = (int) positive("maxHeaderCount", count);
        return this;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The most TCP connections this node serves at once; one more is closed as soon as it is accepted, before any
     * byte of it is read ({@link ConnectionRefusal#CONNECTION_LIMIT}). 0, the default, for no cap.
     */
    public EngineOptions maxConnections(int count) {
        this.maxConnections = (int) notNegative("maxConnections", count);
        return this;
    }

    public int reservedConnections() {
        return reservedConnections;
    }

    public Set<String> reservedPaths() {
        return reservedPaths;
    }

    /**
     * Connections accepted beyond {@link #maxConnections} for the given paths only (health checks, metrics), so that
     * a node full of clients still answers its probes: such a connection serves one request to one of these paths
     * and is closed after it; any other request on it gets 503. 0 connections, the default, for none.
     */
    public EngineOptions reservedConnections(int count, Set<String> paths) {
        this.reservedConnections = (int) notNegative("reservedConnections", count);
        this.reservedPaths = Set.copyOf(paths);
        return this;
    }

    public ConnectionGate connectionGate() {
        return connectionGate;
    }

    /** Asked about every accepted TCP connection, e.g. to limit connections per client address. */
    public EngineOptions connectionGate(ConnectionGate value) {
        this.connectionGate = value == null ? ConnectionGate.NONE : value;
        return this;
    }

    public long httpIdleTimeout() {
        return httpIdleTimeout;
    }

    /**
     * How long an HTTP connection may stay without a request, after it opened or after its last response (keep-alive),
     * before it is closed ({@link ConnectionRefusal#IDLE_TIMEOUT}). A long-polling request waiting for its answer is
     * not idle.
     */
    public EngineOptions httpIdleTimeout(long millis) {
        this.httpIdleTimeout = positive("httpIdleTimeout", millis);
        return this;
    }

    public long requestHeadTimeout() {
        return requestHeadTimeout;
    }

    /**
     * How long a request head (request line and headers) may take from its first byte; a slower one (slowloris) gets
     * 408 and a closed connection ({@link ConnectionRefusal#REQUEST_TIMEOUT}).
     */
    public EngineOptions requestHeadTimeout(long millis) {
        this.requestHeadTimeout = positive("requestHeadTimeout", millis);
        return this;
    }

    public long httpRequestBodyTimeout() {
        return httpRequestBodyTimeout;
    }

    /**
     * How long a request body may take after its head, as the reference's {@code httpRequestBodyTimeout}; a slower
     * one gets 408 and a closed connection ({@link ConnectionRefusal#BODY_TIMEOUT}).
     */
    public EngineOptions httpRequestBodyTimeout(long millis) {
        this.httpRequestBodyTimeout = positive("httpRequestBodyTimeout", millis);
        return this;
    }

    public long websocketHandshakeTimeout() {
        return websocketHandshakeTimeout;
    }

    /**
     * How long a websocket upgrade request may wait, from its head, for the switch to websocket (an
     * {@link AllowRequest} that never answers, say); then the connection is closed
     * ({@link ConnectionRefusal#HANDSHAKE_TIMEOUT}). An Engine.IO upgrade of a polling session that stalls after the
     * switch is bounded by {@link #upgradeTimeout}.
     */
    public EngineOptions websocketHandshakeTimeout(long millis) {
        this.websocketHandshakeTimeout = positive("websocketHandshakeTimeout", millis);
        return this;
    }

    public EngineObserver observer() {
        return observer;
    }

    public EngineOptions observer(EngineObserver value) {
        this.observer = value == null ? EngineObserver.NONE : value;
        return this;
    }

    /** The upgrades offered in the open packet of a session opened over the given transport. */
    String[] upgradesFrom(Transport transport) {
        if (allowUpgrades && transport == Transport.POLLING && transports.contains(Transport.WEBSOCKET)) {
            return new String[] {"websocket"};
        }
        return new String[0];
    }

    private static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    private static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /** The link to the other nodes when any node serves any session (no sticky sessions); null: this node alone. */
    public ClusterLink cluster() {
        return cluster;
    }

    public EngineOptions cluster(ClusterLink value) {
        this.cluster = value;
        return this;
    }

    /**
     * How long a relayed request waits for its session's owner beyond what a local one would wait (a POST nothing,
     * a GET up to pingInterval) before the client gets "Session ID unknown".
     */
    public long clusterForwardTimeout() {
        return clusterForwardTimeout;
    }

    public EngineOptions clusterForwardTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("clusterForwardTimeout must be positive: " + millis);
        }
        this.clusterForwardTimeout = millis;
        return this;
    }
}
