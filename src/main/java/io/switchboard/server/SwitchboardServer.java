package io.switchboard.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.switchboard.adapter.redis.RedisAdapterFactory;
import io.switchboard.adapter.redis.RedisAdapterOptions;
import io.switchboard.core.Middleware;
import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.protocol.DecoderLimits;
import io.switchboard.protocol.Parser;
import io.switchboard.engine.CorsOptions;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineOptions;
import io.switchboard.server.api.ApiHttpHandler;
import io.switchboard.server.api.ApiKeys;
import io.switchboard.server.api.ApiRouter;
import io.switchboard.server.api.OrgApiKeys;
import io.switchboard.server.api.ServerApiBackend;
import io.switchboard.server.auth.AuthMiddleware;
import io.switchboard.server.auth.AuthSettings;
import io.switchboard.server.auth.JwksKeys;
import io.switchboard.server.auth.JwtVerifier;
import io.switchboard.server.config.Config;
import io.switchboard.server.config.ConfigKeys;
import io.switchboard.server.presence.InMemoryPresenceStore;
import io.switchboard.server.presence.Presence;
import io.switchboard.server.presence.PresenceAccess;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RedisPresenceStore;
import io.switchboard.server.health.Health;
import io.switchboard.server.health.HealthHttpHandler;
import io.switchboard.server.metrics.ManagementServer;
import io.switchboard.server.metrics.MetricsHttpHandler;
import io.switchboard.server.metrics.SwitchboardMetrics;
import io.switchboard.server.admin.AdminNamespace;
import io.switchboard.server.adminui.AdminUi;
import io.switchboard.server.adminui.AdminUiHttpHandler;
import io.switchboard.server.adminui.AdminUiMonitor;
import io.switchboard.server.adminui.AdminUiSessions;
import io.switchboard.server.adminui.AdminUiSettings;
import io.switchboard.server.adminui.InMemoryAdminUiSessions;
import io.switchboard.server.adminui.RedisAdminUiSessions;
import io.switchboard.server.drain.Drain;
import io.switchboard.server.ratelimit.AddressLimiter;
import io.switchboard.server.ratelimit.EventRateLimiter;
import io.switchboard.server.ratelimit.RateLimitSettings;
import io.switchboard.server.ratelimit.RateLimits;
import io.switchboard.server.ratelimit.Refusal;
import io.switchboard.server.rooms.RoomHandlers;
import io.switchboard.server.rooms.RoomPolicy;
import io.switchboard.server.web.ClientBundleHttpHandler;
import io.switchboard.server.web.DemoHttpHandler;
import io.switchboard.server.web.DevTokenHttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged server, assembled from a {@link Config}: the Socket.IO server with its engine options and adapter, JWT
 * authentication on "/" and on every other allowed namespace, the room protocol, and the HTTP API.
 */
public final class SwitchboardServer {
    private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
    /** Connections beyond limits.maxConnections for /healthz, /readyz and /metrics, when on the main port. */
    static final int HEALTH_HEADROOM = 16;

    private final Config config;
    private final AuthSettings auth;
    private final Server server;
    private final JwksKeys jwks;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SwitchboardMetrics metrics;
    private final Health health;
    private InetSocketAddress address;
    private ManagementServer management;
    private InetSocketAddress managementAddress;
    private Presence presence;
    private Drain drain;
    private AdminUi adminUi;

    private SwitchboardServer(Config config, AuthSettings auth, Server server, JwksKeys jwks,
                              SwitchboardMetrics metrics, Health health) {
        this.config = config;
        this.auth = auth;
        this.server = server;
        this.jwks = jwks;
        this.metrics = metrics;
        this.health = health;
    }

    /**
     * Checks the configuration as a whole and builds the server (connecting to Redis when that is the adapter).
     *
     * @throws io.switchboard.server.config.ConfigException when the options do not fit together
     * @throws StartupException                             when Redis cannot be reached
     */
    public static SwitchboardServer create(Config config) {
        LogFormat.apply(config.get(ConfigKeys.LOGGING_FORMAT));
        AuthSettings auth = AuthSettings.from(config);
        EngineOptions engine = new EngineOptions()
                .path(config.get(ConfigKeys.PATH))
                .pingInterval(config.get(ConfigKeys.PING_INTERVAL))
                .pingTimeout(config.get(ConfigKeys.PING_TIMEOUT))
                .maxHttpBufferSize(config.get(ConfigKeys.MAX_HTTP_BUFFER_SIZE))
                .maxHeaderSize(config.get(ConfigKeys.MAX_HTTP_HEADER_SIZE))
                .maxHeaderCount(config.get(ConfigKeys.MAX_HTTP_HEADER_COUNT))
                .maxInitialLineLength(config.get(ConfigKeys.MAX_HTTP_REQUEST_LINE))
                .maxConnections(connectionCap(config.get(ConfigKeys.MAX_CONNECTIONS)))
                .httpIdleTimeout(config.get(ConfigKeys.HTTP_IDLE_TIMEOUT))
                .requestHeadTimeout(config.get(ConfigKeys.REQUEST_HEAD_TIMEOUT))
                .httpRequestBodyTimeout(config.get(ConfigKeys.HTTP_REQUEST_BODY_TIMEOUT))
                .websocketHandshakeTimeout(config.get(ConfigKeys.WEBSOCKET_HANDSHAKE_TIMEOUT))
                .transports(transports(config.get(ConfigKeys.TRANSPORTS)))
                .allowEIO3(config.get(ConfigKeys.ALLOW_EIO3))
                .cors(cors(config.get(ConfigKeys.CORS_ORIGINS), config.get(ConfigKeys.CORS_CREDENTIALS)));
        int ioThreads = config.get(ConfigKeys.IO_THREADS);
        if (ioThreads > 0) { // 0 keeps the engine's default, one per core
            engine.ioThreads(ioThreads);
        }
        ServerOptions options = new ServerOptions().engine(engine)
                .connectTimeout(config.get(ConfigKeys.CONNECT_TIMEOUT))
                .parser(Parser.fromName(config.get(ConfigKeys.PARSER)))
                .maxNamespacesPerSession(config.get(ConfigKeys.MAX_NAMESPACES_PER_SESSION))
                .maxNamespaces(config.get(ConfigKeys.MAX_NAMESPACES))
                // "*" lets any client name a namespace: one that empties goes, with its Redis subscriptions
                .cleanupEmptyChildNamespaces(true)
                .maxAuthBytes(config.get(ConfigKeys.MAX_AUTH_BYTES))
                .maxRoomsPerSocket(coreRoomLimit(config.get(ConfigKeys.MAX_ROOMS_PER_SOCKET)))
                .decoderLimits(DecoderLimits.DEFAULTS
                        .withMaxEventNameLength(config.get(ConfigKeys.MAX_EVENT_NAME_LENGTH))
                        .withMaxAttachments(config.get(ConfigKeys.MAX_ATTACHMENTS))
                        .withMaxNestingDepth(config.get(ConfigKeys.MAX_NESTING_DEPTH)));
        SwitchboardMetrics metrics = new SwitchboardMetrics(config.get(ConfigKeys.METRICS_MAX_EVENT_NAMES));
        // rate limits at the door (per client address) and the drain's refusal of new handshakes
        RateLimitSettings limits = RateLimitSettings.from(config);
        AddressLimiter addressLimiter = AddressLimiter.from(limits);
        Drain drain = new Drain(config.get(ConfigKeys.DRAIN_GRACE_PERIOD), config.get(ConfigKeys.DRAIN_DEADLINE));
        RateLimits rateLimits = new RateLimits(limits, auth.claims(), metrics::rateLimited,
                metrics.refusals("switchboard.rate.limit.refusals", "refusals of the rate limits, by reason",
                        Refusal.ALL));
        for (String kind : List.of("connections", "users", "addresses")) {
            metrics.gauge("switchboard.rate.limit.tracked", "connections, users and addresses with budgets in memory",
                    () -> rateLimits.tracked(kind), "kind", kind);
        }
        engine.allowRequest(drain.gate(rateLimits.door(addressLimiter.active() ? addressLimiter : null)));
        engine.connectionGate(addressLimiter);
        AdminUiSettings adminUiSettings = AdminUiSettings.from(config);
        AdminUiMonitor adminUiMonitor = adminUiSettings.enabled() ? new AdminUiMonitor(adminUiSettings.development(),
                adminUiSettings.namespace(), System::currentTimeMillis) : null;
        EngineObserver engineObserver = metrics.engineObserver();
        if (adminUiMonitor != null) {
            engineObserver = adminUiMonitor.observing(engineObserver);
            // the hosted UI's origin may open the admin namespace from the browser
            engine.cors(AdminUiSettings.withHostedUi(engine.cors()));
        }
        engine.observer(rateLimits.observing(addressLimiter.active()
                ? addressLimiter.observing(engineObserver) : engineObserver));
        options.observer(adminUiMonitor != null ? adminUiMonitor.observing(metrics.serverObserver())
                : metrics.serverObserver());
        Health health = new Health();
        if (config.get(ConfigKeys.RECOVERY_ENABLED)) {
            options.connectionStateRecovery(new RecoveryOptions(config.get(ConfigKeys.RECOVERY_MAX_DISCONNECTION),
                    config.get(ConfigKeys.RECOVERY_SKIP_MIDDLEWARES), config.get(ConfigKeys.RECOVERY_STORE_TIMEOUT)));
        }
        RedisAdapterFactory redis = null;
        if (config.get(ConfigKeys.CLUSTER_ENGINE) && !"redis".equals(config.get(ConfigKeys.ADAPTER_TYPE))) {
            throw new StartupException(ConfigKeys.CLUSTER_ENGINE.key() + " needs " + ConfigKeys.ADAPTER_TYPE.key()
                    + ": redis (the nodes relay each other's sessions over Redis)", null);
        }
        if ("redis".equals(config.get(ConfigKeys.ADAPTER_TYPE))) {
            redis = redis(config);
            // sessions and missed packets in Redis too: a client recovers on whichever node it reconnects to
            options.adapter(redis).recoveryStore(redis.recoveryStores());
            metrics.bindRedis(redis::isConnected, redis::malformedCount);
            metrics.bindRedisInbox(redis::inboxDroppedCount);
            redis.onRequestLatency(metrics.bindAdapterTraffic(redis::publishedCount, redis::receivedCount,
                    redis::requestTimeoutCount));
            health.check("redis", redis::isConnected, "Redis unreachable");
        }
        if (config.get(ConfigKeys.CLUSTER_ENGINE)) {
            engine.cluster(redis.engineLink()).clusterForwardTimeout(config.get(ConfigKeys.CLUSTER_FORWARD_TIMEOUT));
        }
        JwksKeys jwks = auth.jwksUrl() == null ? null : new JwksKeys(auth.jwksUrl(),
                Duration.ofSeconds(config.get(ConfigKeys.JWKS_TIMEOUT_SECONDS)),
                config.get(ConfigKeys.JWKS_CACHE_SECONDS) * 1000, config.get(ConfigKeys.JWKS_MIN_REFRESH_SECONDS) * 1000,
                metrics.bindJwks(JwksKeys.FAILURE_REASONS));
        Server server = new Server(options);
        AuthMiddleware authentication = new AuthMiddleware(auth, new JwtVerifier(auth, jwks));
        RoomHandlers rooms = new RoomHandlers(new RoomPolicy(config.get(ConfigKeys.ROOM_POLICIES)), auth.claims(),
                config.get(ConfigKeys.MAX_ROOMS_PER_SOCKET), config.get(ConfigKeys.MAX_ROOM_NAME_LENGTH));
        EventRateLimiter eventLimiter = rateLimits.eventLimiter();
        Middleware guarded = rateLimits.guard(authentication);   // CONNECT budgets and cooldown around it
        server.use(guarded).onConnection(authentication::joinIdentityRooms).onConnection(eventLimiter)
                .onConnection(rooms);
        AdminNamespace.install(server, config, auth.claims(), guarded).onConnection(eventLimiter);
        AdminUi adminUi = null;
        if (adminUiMonitor != null) {
            AdminUiSessions sessions = redis == null
                    ? new InMemoryAdminUiSessions(adminUiSettings.sessionDuration(), System::currentTimeMillis)
                    : new RedisAdminUiSessions(redis.commands(), config.get(ConfigKeys.REDIS_KEY_PREFIX) + "-admin",
                            adminUiSettings.sessionDuration());
            adminUi = new AdminUi(server, adminUiSettings, adminUiMonitor, sessions);
            adminUi.install(rateLimits::guard).onConnection(eventLimiter);
            if (adminUiSettings.serveUi()) {
                AdminUiHttpHandler page = new AdminUiHttpHandler(adminUiSettings.namespace(),
                        config.get(ConfigKeys.PATH));
                if (page.available()) {
                    server.engine().httpRoute(() -> page);
                } else {
                    log.warn("adminUi.serveUi: the Admin UI is not in this build (io/switchboard/server/adminui/ui/)");
                }
            }
        }
        String adminUiNamespace = adminUi == null ? null : adminUiSettings.namespace();
        List<String> namespaces = config.get(ConfigKeys.NAMESPACES);
        if (!namespaces.isEmpty()) {
            var allowed = Glob.anyOf(namespaces);
            server.of(name -> !name.equals("/") && !name.equals(AdminNamespace.NAME)
                    && !name.equals(adminUiNamespace) && allowed.test(name))
                    .use(guarded).onConnection(authentication::joinIdentityRooms).onConnection(eventLimiter)
                    .onConnection(rooms);
        }
        Presence presence = presence(config, server, redis, auth);
        ApiRouter api = new ApiRouter(new ApiKeys(config.get(ConfigKeys.API_KEYS)),
                new OrgApiKeys(config.get(ConfigKeys.API_ORG_KEYS)), new ServerApiBackend(server), presence);
        server.engine().httpRoute(() -> new ApiHttpHandler(api));
        web(server, config, auth);
        metrics.bind(server);
        if (presence != null) {
            metrics.bindPresence(presence::localOnlineUsers);
        }
        boolean metricsEnabled = config.get(ConfigKeys.METRICS_ENABLED);
        ManagementServer management = null;
        if (config.get(ConfigKeys.METRICS_PORT) >= 0) {
            management = new ManagementServer(metricsEnabled ? metrics : null, health, engine);
        } else {
            if (metricsEnabled) {
                server.engine().httpRoute(() -> new MetricsHttpHandler(metrics));
            }
            server.engine().httpRoute(() -> new HealthHttpHandler(health));
            // a node full of clients still answers its probes and scrapers (a separate metrics.port is never capped)
            engine.reservedConnections(HEALTH_HEADROOM, Set.of("/healthz", "/readyz", "/metrics"));
        }
        SwitchboardServer created = new SwitchboardServer(config, auth, server, jwks, metrics, health);
        created.management = management;
        created.presence = presence;
        created.drain = drain;
        created.adminUi = adminUi;
        return created;
    }

    /** The client bundle, the demo page and (with the development secret) its token endpoint. */
    private static void web(Server server, Config config, AuthSettings auth) {
        String path = config.get(ConfigKeys.PATH);
        if (config.get(ConfigKeys.WEB_SERVE_CLIENT)) {
            ClientBundleHttpHandler bundle = new ClientBundleHttpHandler(path);
            if (bundle.available()) {
                server.engine().httpRoute(() -> bundle);
            } else {
                log.warn("web.serveClient: the socket.io-client bundle is not in this build (io/switchboard/server/web/client/)");
            }
        }
        if (config.get(ConfigKeys.WEB_DEMO)) {
            DemoHttpHandler demo = new DemoHttpHandler(path);
            server.engine().httpRoute(() -> demo);
        }
        if (auth.developmentSecret()) {
            DevTokenHttpHandler tokens = new DevTokenHttpHandler(auth);
            server.engine().httpRoute(() -> tokens);
        }
    }

    /** Presence on "/", counted in Redis when that is the adapter; null when disabled. Started with the server. */
    private static Presence presence(Config config, Server server, RedisAdapterFactory redis, AuthSettings auth) {
        if (!config.get(ConfigKeys.PRESENCE_ENABLED)) {
            return null;
        }
        long retention = config.get(ConfigKeys.PRESENCE_LAST_SEEN_RETENTION);
        PresenceStore store = redis == null ? new InMemoryPresenceStore(retention)
                : new RedisPresenceStore(redis.commands(),
                        RedisPresenceStore.prefixFor(config.get(ConfigKeys.REDIS_KEY_PREFIX)),
                        config.get(ConfigKeys.PRESENCE_TTL), retention);
        PresenceAccess access = new PresenceAccess(new RoomPolicy(config.get(ConfigKeys.ROOM_POLICIES)),
                PresenceAccess.Visibility.of(config.get(ConfigKeys.PRESENCE_VISIBILITY)));
        Presence presence = new Presence(server, store, auth.claims(),
                Presence.Audience.of(config.get(ConfigKeys.PRESENCE_AUDIENCE)), access,
                config.get(ConfigKeys.PRESENCE_OFFLINE_GRACE));
        server.onConnection(presence);
        return presence;
    }

    private static RedisAdapterFactory redis(Config config) {
        RedisAdapterOptions redis = new RedisAdapterOptions()
                .url(config.get(ConfigKeys.REDIS_URL_OPTION))
                .key(config.get(ConfigKeys.REDIS_KEY_PREFIX))
                .requestsTimeout(config.get(ConfigKeys.REDIS_REQUESTS_TIMEOUT))
                .sharded(config.get(ConfigKeys.REDIS_SHARDED))
                .clientName(config.get(ConfigKeys.REDIS_CLIENT_NAME));
        try {
            return RedisAdapterFactory.connect(redis);
        } catch (RuntimeException e) {
            String url = config.toTree(true).path("adapter").path("redis").path("url").asText();
            // a parse error quotes pieces of the URL, password included: never shown
            String why = e instanceof IllegalArgumentException
                    ? "the URL cannot be read (percent-encode / @ : ? # in the password: %2F %40 %3A %3F %23)"
                    : UrlMask.maskIn(e.getMessage());
            throw new StartupException("cannot connect to Redis at " + url + " (adapter.redis.url, "
                    + ConfigKeys.REDIS_URL_OPTION.env() + "): " + why, e);
        }
    }

    /**
     * limits.maxConnections, where 0 leaves a tenth of the process's descriptor limit (at least 64) for everything
     * else a node opens: Redis, files, the management port, the JVM's own. No cap where the limit cannot be read.
     */
    static int connectionCap(int configured) {
        if (configured > 0) {
            return configured;
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            long cap = max - Math.max(64, max / 10);
            return cap > 0 ? (int) Math.min(Integer.MAX_VALUE, cap) : 0;
        }
        return 0;
    }

    private static Set<EngineOptions.Transport> transports(List<String> names) {
        Set<EngineOptions.Transport> transports = EnumSet.noneOf(EngineOptions.Transport.class);
        names.forEach(name -> transports.add(EngineOptions.Transport.of(name)));
        return transports;
    }

    /**
     * The core's ceiling on rooms per socket, a backstop above rooms.maxRoomsPerSocket (which join-room enforces
     * with its own refusal): room for the socket's own room, its user and org rooms and what the server joins.
     */
    private static int coreRoomLimit(int joinRoomLimit) {
        return Math.max(new ServerOptions().maxRoomsPerSocket(), joinRoomLimit + 1_000);
    }

    private static CorsOptions cors(List<String> origins, boolean credentials) {
        if (origins.isEmpty()) {
            return CorsOptions.DISABLED;
        }
        return origins.contains("*") ? CorsOptions.anyOrigin(credentials)
                : CorsOptions.origins(new LinkedHashSet<>(origins), credentials);
    }

    /** Binds, logs what runs where, and prints {@code listening on HOST:PORT} on stdout. */
    public InetSocketAddress start() {
        String host = listenHost(config, auth.developmentSecret());
        int port = config.get(ConfigKeys.PORT);
        if (auth.developmentSecret()) {
            log.warn(developmentSecretWarning());
            if (!host.equals(config.get(ConfigKeys.HOST))) {
                log.warn("listening on {} only: with the public development secret anyone who reaches the port can"
                        + " mint tokens; give server.host (SWITCHBOARD_HOST, --host) to listen elsewhere", host);
            }
        }
        log.info("effective configuration (secrets masked):\n{}", config.toYaml(true).stripTrailing());
        try {
            address = server.start(host, port);
            metrics.eventLoops(server.engine().eventLoops());
            if (management != null) {
                managementAddress = management.start(host, config.get(ConfigKeys.METRICS_PORT));
            }
            if (presence != null) {
                presence.store().start(presence::announce);
            }
            health.listening(true);
        } catch (Exception e) {
            close();
            throw new StartupException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        if (jwks != null) {
            jwks.load().whenComplete((count, error) -> {
                if (count != null && count >= 0) {
                    log.info("JWKS {}: {} signing key(s)", UrlMask.mask(jwks.url().toString()), count);
                }
            });
        }
        List<String> keys = config.get(ConfigKeys.API_KEYS);
        if (!config.get(ConfigKeys.API_ORG_KEYS).isEmpty()) {
            log.info("HTTP API: GET /api/presence for {} org-scoped key(s) (api.orgKeys)",
                    config.get(ConfigKeys.API_ORG_KEYS).size());
        }
        if (keys.isEmpty()) {
            log.info("HTTP API disabled: no api.keys (SWITCHBOARD_API_KEYS)");
        } else {
            log.info("HTTP API: POST /api/emit, POST /api/disconnect, GET /api/sockets ({} key(s))", keys.size());
        }
        log.info("health: GET /healthz, GET /readyz; metrics: {}; on {}", config.get(ConfigKeys.METRICS_ENABLED)
                ? "GET /metrics" : "disabled (metrics.enabled)",
                managementAddress == null ? "the main port" : "port " + managementAddress.getPort());
        EngineOptions limits = server.options().engine();
        log.info("connections: at most {} (limits.maxConnections{}), deadlines: idle {} ms, request head {} ms,"
                        + " body {} ms, websocket handshake {} ms", limits.maxConnections() == 0 ? "unlimited"
                        : limits.maxConnections(), config.get(ConfigKeys.MAX_CONNECTIONS) == 0
                        ? ": 90% of the descriptor limit" : "", limits.httpIdleTimeout(), limits.requestHeadTimeout(),
                limits.httpRequestBodyTimeout(), limits.websocketHandshakeTimeout());
        log.info("adapter: {}; authentication: algorithms {}{}", config.get(ConfigKeys.ADAPTER_TYPE),
                auth.algorithms().stream().sorted().collect(Collectors.joining(", ")),
                auth.developmentSecret() ? " with the DEVELOPMENT SECRET" : "");
        EngineOptions engine = server.options().engine();
        String listening = "Switchboard " + Main.version() + " listening on " + host + ":" + address.getPort()
                + " (path " + engine.path() + ", transports "
                + engine.transports().stream().map(t -> t.wireName).collect(Collectors.joining(", ")) + ")"
                + (config.get(ConfigKeys.WEB_DEMO) ? "; demo page " + pageUrl(host, address.getPort()) : "");
        if (LogFormat.json()) {
            log.info(listening);   // every stdout line is one JSON object
        } else {
            System.out.println(listening);
            System.out.flush();
        }
        return address;
    }

    /**
     * The address to listen on: server.host, except that a server on the public development secret, where anyone
     * who reaches the port can mint tokens, stays on loopback unless a host was given.
     */
    static String listenHost(Config config, boolean developmentSecret) {
        if (developmentSecret && "default".equals(config.source(ConfigKeys.HOST))) {
            return "127.0.0.1";
        }
        return config.get(ConfigKeys.HOST);
    }

    /** The demo page's address as a browser on this machine opens it. */
    static String pageUrl(String host, int port) {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "localhost"
                : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port + "/";
    }

    /** Disconnects every client ("server shutting down"), closes the adapters and the listener. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (presence != null) {
                presence.close();   // while the adapter still reaches the others: announces who goes offline
            }
            health.listening(false);
            if (adminUi != null) {
                adminUi.close();
            }
            server.close();
            if (management != null) {
                management.close();
            }
            metrics.close();
        }
    }

    /**
     * Drains this node (SIGTERM/SIGINT): readiness 503 and new handshakes refused at once, {@code server-shutdown}
     * to local sockets, the grace period for in-flight acks, then {@link #close()}. Blocks; not on an event loop.
     */
    public void drainAndClose() {
        drain.drain(server, () -> health.draining(true), this::close);
        close();
    }

    /** The drain state: {@code drain().isDraining()} is true from the moment a drain starts. */
    public Drain drain() {
        return drain;
    }

    /** The address of the separate metrics and health port ({@code metrics.port}), or null when on the main port. */
    public InetSocketAddress managementAddress() {
        return managementAddress;
    }

    public SwitchboardMetrics metrics() {
        return metrics;
    }

    /** Liveness and readiness; {@code health().draining(true)} makes /readyz answer 503. */
    public Health health() {
        return health;
    }

    public Server server() {
        return server;
    }

    /** The presence component, or null when presence.enabled is false. */
    public Presence presence() {
        return presence;
    }

    public Config config() {
        return config;
    }

    public InetSocketAddress address() {
        return address;
    }

    static String developmentSecretWarning() {
        String line = "*".repeat(78);
        return String.join("\n", "",
                line,
                "*  WARNING: NO JWT KEY IS CONFIGURED. USING THE PUBLIC DEVELOPMENT SECRET.",
                "*  Anyone can mint tokens this server accepts. Never expose it to a network you do not trust.",
                "*  Configure auth.secret (JWT_SECRET), auth.publicKey or auth.jwks.url for real use, and set",
                "*  auth.allowDevelopmentSecret: false to make a missing key stop the server.",
                "*  Mint a development token:  java -jar target/switchboard.jar token --sub alice",
                line);
    }
}
