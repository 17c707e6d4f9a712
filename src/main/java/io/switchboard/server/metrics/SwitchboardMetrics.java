package io.switchboard.server.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.switchboard.core.DisconnectReason;
import io.switchboard.core.HandlerKind;
import io.switchboard.core.Namespace;
import io.switchboard.core.Server;
import io.switchboard.core.ServerObserver;
import io.switchboard.core.Socket;
import io.switchboard.engine.ConnectionRefusal;
import io.switchboard.engine.EngineError;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.HandshakeRequest;
import io.switchboard.protocol.PacketType;
import io.switchboard.server.ratelimit.AddressLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged server's metrics, in a Micrometer {@link PrometheusMeterRegistry}: an {@link EngineObserver} and a
 * {@link ServerObserver} count what happens, gauges read the server's state when {@link #scrape} runs.
 * Every name starts with {@code switchboard_} but the JVM ones ({@code jvm_}, {@code process_}, {@code system_}).
 */
public final class SwitchboardMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardMetrics.class);
    /** Distinct namespaces and refusal reasons counted by name; the rest are "other". */
    private static final int MAX_NAMESPACES = 100;
    private static final int MAX_REASONS = 100;   // about 30 are registered at start
    /** The reasons a TCP connection is closed before it becomes a session: the engine's and the address limit's. */
    private static final List<String> CONNECTION_REFUSALS = java.util.stream.Stream.concat(
            ConnectionRefusal.ALL.stream(), java.util.stream.Stream.of(AddressLimiter.ADDRESS_LIMIT)).toList();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LabelCap eventNames;
    private final LabelCap namespaces = new LabelCap(MAX_NAMESPACES);
    private final LabelCap reasons = new LabelCap(MAX_REASONS);
    private final Map<PacketType, Counter> packetsIn = new EnumMap<>(PacketType.class);
    private final Map<PacketType, Counter> packetsOut = new EnumMap<>(PacketType.class);
    private final Map<HandlerKind, Counter> handlerErrors = new EnumMap<>(HandlerKind.class);
    private final Counter upgrades;
    private final Counter volatileDropped;
    private final DistributionSummary fanout;
    private final Timer ackRoundTrip;
    private final MultiGauge connected;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicReference<EventLoopGroup> loops = new AtomicReference<>();
    private final AtomicReference<EventLoopLag> loopLag = new AtomicReference<>();
    private final EngineObserver engineObserver = new EngineHook();
    private final ServerObserver serverObserver = new ServerHook();
    private final List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Server server;

    public SwitchboardMetrics(int maxEventNames) {
        this.eventNames = new LabelCap(maxEventNames);
        ProcessMetrics.replaceMicrometerNames(registry);
        for (PacketType type : PacketType.values()) {
            String name = type.name().toLowerCase(Locale.ROOT);
            packetsIn.put(type, Counter.builder("switchboard.packets.in")
                    .description("Socket.IO packets received, by type").tag("type", name).register(registry));
            packetsOut.put(type, Counter.builder("switchboard.packets.out")
                    .description("Socket.IO packets sent (one per recipient), by type").tag("type", name)
                    .register(registry));
        }
        upgrades = Counter.builder("switchboard.upgrades").description("polling sessions upgraded to websocket")
                .register(registry);
        volatileDropped = Counter.builder("switchboard.volatile.dropped")
                .description("volatile packets dropped for clients not keeping up").register(registry);
        fanout = DistributionSummary.builder("switchboard.broadcast.recipients")
                .description("local sockets reached by one broadcast")
                .serviceLevelObjectives(1, 2, 5, 10, 100, 1_000, 10_000, 100_000).register(registry);
        ackRoundTrip = Timer.builder("switchboard.ack.round.trip")
                .description("time from an emit with ack to the client's answer")
                .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(50), ms(100), ms(500), ms(1_000), ms(5_000))
                .register(registry);
        connected = MultiGauge.builder("switchboard.sockets.connected")
                .description("sockets connected to this node, by namespace and transport").register(registry);
        Gauge.builder("switchboard.netty.direct.memory.used", PlatformDependent::usedDirectMemory)
                .description("direct memory used by Netty (-1 when Netty does not track it)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("switchboard.event.loop.pending.tasks", this, SwitchboardMetrics::pendingTasks)
                .description("tasks waiting in the worker event loops").register(registry);
        // refusals counted from the start, so that a rate over them has a first sample
        counter("switchboard.connect.refused", "namespace connections refused, by reason",
                "namespace", LabelCap.OTHER, "reason", "namespace_limit");
        Gauge.builder("switchboard.event.loop.lag", loopLag, lag -> lag.get() == null ? 0 : lag.get().seconds())
                .description("how late the most behind worker event loop runs its tasks (a blocked loop shows)")
                .baseUnit("seconds").register(registry);
        for (HandlerKind kind : HandlerKind.values()) {
            handlerErrors.put(kind, Counter.builder("switchboard.handler.errors")
                    .description("exceptions thrown by application callbacks, by kind (logged, the connection kept)")
                    .tag("kind", kind.code()).register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        ProcessMetrics.bindTo(registry);
        registerKnownLabelsAtZero();
    }

    /**
     * The counters' known label values, registered at 0 so that {@code rate()} and alerts work before the first
     * event: the transports, the reference close and disconnect reasons, the engine's refusals (of requests and of
     * TCP connections) and the refusals of authentication on "/".
     */
    private void registerKnownLabelsAtZero() {
        CONNECTION_REFUSALS.forEach(this::connectionRefused);
        for (String transport : List.of("polling", "websocket")) {
            sessionsOpened(transport);
        }
        List<String> closeReasons = List.of("transport close", "transport error", "ping timeout", "parse error",
                "forced close");
        closeReasons.forEach(this::sessionsClosed);
        for (EngineError error : EngineError.values()) {
            handshakeRefused(error.message);
        }
        slowConsumers();
        for (String type : List.of("new", "recovered")) {
            connectionsOpened("/", type);
        }
        for (String reason : List.of(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT,
                DisconnectReason.SERVER_NAMESPACE_DISCONNECT, DisconnectReason.TRANSPORT_CLOSE,
                DisconnectReason.TRANSPORT_ERROR, DisconnectReason.PING_TIMEOUT, DisconnectReason.PARSE_ERROR,
                DisconnectReason.SERVER_SHUTTING_DOWN, DisconnectReason.FORCED_CLOSE)) {
            connectionsClosed("/", reason);
        }
        for (String reason : List.of("auth_required", "invalid_token", "token_expired", "invalid namespace")) {
            refusedConnects("/", reason);
        }
    }

    private Counter sessionsOpened(String transport) {
        return counter("switchboard.engine.sessions.opened", "Engine.IO sessions opened, by transport",
                "transport", transport);
    }

    private Counter sessionsClosed(String reason) {
        return counter("switchboard.engine.sessions.closed", "Engine.IO sessions closed, by reason",
                "reason", reasons.of(ReasonCode.of(reason)));
    }

    private Counter handshakeRefused(String reason) {
        return counter("switchboard.handshake.refused", "Engine.IO requests refused before a session, by reason",
                "reason", reasons.of(ReasonCode.of(reason)));
    }

    private Counter connectionRefused(String reason) {
        return counter("switchboard.connections.refused",
                "TCP connections refused when accepted or closed by a deadline before they became a session, by reason",
                "reason", reason);
    }

    private Counter slowConsumers() {
        return counter("switchboard.slow.consumers.disconnected",
                "clients disconnected because their unsent output passed maxBufferedBytes");
    }

    private Counter connectionsOpened(String namespace, String type) {
        return counter("switchboard.connections.opened", "sockets connected to a namespace, new or recovered",
                "namespace", namespaces.of(namespace), "type", type);
    }

    private Counter connectionsClosed(String namespace, String reason) {
        return counter("switchboard.connections.closed", "sockets disconnected from a namespace, by reason",
                "namespace", namespaces.of(namespace), "reason", reasons.of(ReasonCode.of(reason)));
    }

    private Counter refusedConnects(String namespace, String reason) {
        return counter("switchboard.connect.refused", "namespace connections refused, by reason",
                "namespace", namespaces.of(namespace), "reason", reasons.of(ReasonCode.of(reason)));
    }

    private static java.time.Duration ms(long millis) {
        return java.time.Duration.ofMillis(millis);
    }

    /** An event dropped by the per-socket rate limit. */
    public void rateLimited(String event) {
        counter("switchboard.rate.limited", "events dropped by the per-socket rate limit, by name",
                "event", eventNames.of(event)).increment();
    }

    /**
     * A counter of refusals by {@code reason}, every code of {@code reasons} registered at 0 now (so that a scrape
     * shows them before the first refusal); the consumer counts one refusal of a code, an unknown code as "other".
     */
    public java.util.function.Consumer<String> refusals(String name, String description, List<String> reasons) {
        Map<String, Counter> counters = new java.util.HashMap<>();
        for (String reason : reasons) {
            counters.put(reason, counter(name, description, "reason", reason));
        }
        Counter other = counter(name, description, "reason", "other");
        return reason -> counters.getOrDefault(reason, other).increment();
    }

    /** A gauge read at each scrape. */
    public void gauge(String name, String description, java.util.function.DoubleSupplier value, String... tags) {
        Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).description(description)
                .tags(tags).strongReference(true).register(registry);
    }

    /** Users online through this node's sockets, from the presence store. */
    public void bindPresence(java.util.function.IntSupplier onlineUsers) {
        Gauge.builder("switchboard.presence.online.users", onlineUsers, s -> s.getAsInt())
                .description("users with at least one socket on this node").strongReference(true).register(registry);
    }

    public EngineObserver engineObserver() {
        return engineObserver;
    }

    public ServerObserver serverObserver() {
        return serverObserver;
    }

    /** Adds the gauges that read the server: sockets and sessions by transport. */
    public SwitchboardMetrics bind(Server server) {
        this.server = server;
        Gauge.builder("switchboard.namespaces", server, Server::namespaceCount)
                .description("namespaces live on this node (limits.maxNamespaces bounds them)")
                .strongReference(true).register(registry);
        Gauge.builder("switchboard.tcp.connections", server, s -> s.engine().connectionCount())
                .description("TCP connections open on the main port (HTTP, websocket, not yet either)")
                .strongReference(true).register(registry);
        for (String transport : List.of("polling", "websocket")) {
            Gauge.builder("switchboard.engine.sessions", server, s -> sessions(s, transport))
                    .description("Engine.IO sessions open on this node, by transport").tag("transport", transport)
                    .strongReference(true).register(registry);
        }
        return this;
    }

    /** Adds the Redis adapter's state: connected (1 or 0) and malformed messages dropped. */
    public SwitchboardMetrics bindRedis(BooleanSupplier connectedNow, LongSupplier malformed) {
        Gauge.builder("switchboard.redis.connected", connectedNow, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 when both Redis connections are up, else 0").strongReference(true).register(registry);
        FunctionCounter.builder("switchboard.adapter.malformed.messages", malformed, m -> m.getAsLong())
                .description("adapter messages from Redis dropped as malformed").register(registry);
        held.add(connectedNow);   // Micrometer holds gauge and function counter state weakly
        held.add(malformed);
        return this;
    }

    /** Messages from Redis dropped because this node's inbox was full, as {@code reason="inbox_full"}. */
    public SwitchboardMetrics bindRedisInbox(LongSupplier dropped) {
        FunctionCounter.builder("switchboard.adapter.messages.dropped", dropped, m -> m.getAsLong())
                .description("messages from Redis dropped unread, by reason").tag("reason", "inbox_full")
                .register(registry);
        held.add(dropped);
        return this;
    }

    /**
     * The adapter's traffic through Redis: messages published and received, cluster requests that timed out, and
     * (through the returned recorder) the latency of those that got every answer.
     */
    public java.util.function.LongConsumer bindAdapterTraffic(LongSupplier published, LongSupplier received,
                                                              LongSupplier requestTimeouts) {
        FunctionCounter.builder("switchboard.adapter.messages.published", published, m -> m.getAsLong())
                .description("messages the adapter published to Redis").register(registry);
        FunctionCounter.builder("switchboard.adapter.messages.received", received, m -> m.getAsLong())
                .description("messages the adapter received from Redis").register(registry);
        FunctionCounter.builder("switchboard.adapter.request.timeouts", requestTimeouts, m -> m.getAsLong())
                .description("cluster requests (fetchSockets, serverSideEmit with ack, ...) that timed out")
                .register(registry);
        held.add(published);
        held.add(received);
        held.add(requestTimeouts);
        io.micrometer.core.instrument.Timer latency = io.micrometer.core.instrument.Timer
                .builder("switchboard.adapter.request.latency")
                .description("time for a cluster request to get every node's answer")
                .publishPercentileHistogram().register(registry);
        return nanos -> latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Counts failed JWKS fetches by reason, each known reason registered at 0; the returned recorder counts one. */
    public java.util.function.Consumer<String> bindJwks(List<String> knownReasons) {
        knownReasons.forEach(this::jwksFailures);
        return reason -> jwksFailures(reason).increment();
    }

    private Counter jwksFailures(String reason) {
        return counter("switchboard.jwks.fetch.failures", "JWKS fetches that failed, by reason",
                "reason", reasons.of(ReasonCode.of(reason)));
    }

    /**
     * The event loop group serving the clients, whose pending tasks and lag are reported; the first one given
     * counts.
     */
    public void eventLoops(EventLoopGroup group) {
        if (group != null && loops.compareAndSet(null, group)) {
            loopLag.set(new EventLoopLag(group));
        }
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        refreshConnected();
        return registry.scrape();
    }

    public String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void refreshConnected() {
        if (server == null) {
            return;
        }
        Map<Tags, Integer> counts = new HashMap<>();
        for (Namespace namespace : server.namespaces().values()) {
            String name = namespaces.of(namespace.name());
            for (Socket socket : namespace.localSockets()) {
                String transport;
                try {
                    transport = socket.transport();
                } catch (RuntimeException e) {
                    continue;   // closing under our feet
                }
                counts.merge(Tags.of("namespace", name, "transport", transport), 1, Integer::sum);
            }
            // a namespace with no sockets still shows 0 for each transport
            counts.putIfAbsent(Tags.of("namespace", name, "transport", "polling"), 0);
            counts.putIfAbsent(Tags.of("namespace", name, "transport", "websocket"), 0);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
        connected.register(rows, true);
    }

    private static double sessions(Server server, String transport) {
        int count = 0;
        for (EngineSession session : server.engine().sessions()) {
            if (transport.equals(session.transportName())) {
                count++;
            }
        }
        return count;
    }

    private double pendingTasks() {
        EventLoopGroup group = loops.get();
        if (group == null) {
            return 0;
        }
        long pending = 0;
        for (EventExecutor executor : group) {
            if (executor instanceof SingleThreadEventExecutor loop) {
                pending += loop.pendingTasks();
            }
        }
        return pending;
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private final class EngineHook implements EngineObserver {
        @Override
        public void sessionOpened(EngineSession session) {
            sessionsOpened(session.transportName()).increment();
        }

        @Override
        public void sessionClosed(EngineSession session, String reason) {
            sessionsClosed(reason).increment();
        }

        @Override
        public void slowConsumer(EngineSession session) {
            slowConsumers().increment();
        }

        @Override
        public void upgraded(EngineSession session) {
            upgrades.increment();
        }

        @Override
        public void connectionRefused(String reason) {
            SwitchboardMetrics.this.connectionRefused(reason).increment();
        }

        @Override
        public void refused(EngineError error, HandshakeRequest request) {
            handshakeRefused(error.message).increment();
            // never the URL, query or headers: they may carry a token
            log.debug("handshake refused: {} (from {})", error.message,
                    request == null ? "unknown" : request.remoteAddress());
        }
    }

    private final class ServerHook implements ServerObserver {
        @Override
        public void connected(Socket socket, boolean recovered) {
            connectionsOpened(socket.namespace().name(), recovered ? "recovered" : "new").increment();
        }

        @Override
        public void disconnected(Socket socket, String reason) {
            connectionsClosed(socket.namespace().name(), reason).increment();
        }

        @Override
        public void connectRefused(String namespace, String reason) {
            refusedConnects(namespace, reason).increment();
            log.debug("connection to namespace {} refused: {}", namespace, reason);
        }

        @Override
        public void packetIn(PacketType type) {
            packetsIn.get(type).increment();
        }

        @Override
        public void packetsOut(PacketType type, int count) {
            if (count > 0) {
                packetsOut.get(type).increment(count);
            }
        }

        @Override
        public void eventIn(String namespace, String event) {
            counter("switchboard.events.in",
                    "events received, by namespace and name (names past metrics.maxEventNames are other)",
                    "namespace", namespaces.of(namespace),
                    "event", eventNames.of(event)).increment();
        }

        @Override
        public void broadcast(int recipients) {
            fanout.record(recipients);
        }

        @Override
        public void ackRoundTrip(long nanos) {
            ackRoundTrip.record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void volatileDropped() {
            volatileDropped.increment();
        }

        @Override
        public void handlerError(HandlerKind kind) {
            handlerErrors.get(kind).increment();
        }
    }
}
