package io.switchboard.server.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.switchboard.server.UrlMask;

/**
 * Every option of the packaged server, with its default. The YAML key is the option's dotted path; the environment
 * variable that overrides it is derived from the key (see {@link #envName}).
 */
public final class ConfigKeys {
    private static final List<Option<?>> ALL = new ArrayList<>();

    /** Every algorithm a token may be signed with; "none" is never accepted. */
    public static final List<String> ALGORITHMS = List.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    private static final Pattern ORIGIN = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+");
    private static final Pattern REDIS_URL = Pattern.compile("(redis|rediss|redis-socket|rediss?-sentinel|rediss?-cluster)://\\S+");
    private static final String REDIS_URL_FORMS = "a Redis URL such as redis://:password@host:6379/0, rediss://host, "
            + "redis-sentinel://host:26379,host2:26379#mymaster or redis-cluster://host:7000,host2:7001";
    private static final UnaryOperator<String> HIDE = text -> text.isEmpty() ? text : "********";
    /** User info and secret-looking query parameters hidden, whatever characters the password holds. */
    private static final UnaryOperator<String> URL_PASSWORD = UrlMask::mask;

    // ---- server ----
    public static final Option<String> HOST = add("server.host", "0.0.0.0",
            Types.nonEmpty("a host name or IP address"), null, "the address to listen on");
    public static final Option<Integer> PORT = add("server.port", 3000, Types.integer(0, 65535), null,
            "the port to listen on; 0 picks a free one");
    public static final Option<String> PATH = add("server.path", "/socket.io/",
            Types.string("a path such as /socket.io/", ConfigKeys::checkPath), null,
            "the Engine.IO path (the client's `path` option)");
    public static final Option<List<String>> NAMESPACES = add("server.namespaces", List.of("*"),
            Types.list(namespacePattern(), true), null,
            "namespaces clients may connect to besides \"/\"; * is any run of characters; [] for \"/\" only");
    public static final Option<List<String>> TRANSPORTS = add("server.transports", List.of("polling", "websocket"),
            Types.list(Types.oneOf("polling", "websocket"), false), null, "the transports offered");
    public static final Option<Long> PING_INTERVAL = add("server.pingInterval", 25_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms between heartbeats");
    public static final Option<Long> PING_TIMEOUT = add("server.pingTimeout", 20_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms to wait for a heartbeat answer");
    public static final Option<Integer> MAX_HTTP_BUFFER_SIZE = add("server.maxHttpBufferSize", 1_000_000,
            Types.integer(1, Integer.MAX_VALUE), null, "the largest message or HTTP body, in bytes");
    public static final Option<Integer> IO_THREADS = add("server.ioThreads", 0, Types.integer(0, 1024), null,
            "event loops serving the connections; 0 for one per CPU core");
    public static final Option<Long> CONNECT_TIMEOUT = add("server.connectTimeout", 45_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms a connection may take to join a namespace");
    public static final Option<Boolean> CLUSTER_ENGINE = add("server.clusterEngine", false, Types.bool(), null,
            "any node serves any session, no sticky sessions needed (needs adapter.type redis)");
    public static final Option<Long> CLUSTER_FORWARD_TIMEOUT = add("server.clusterForwardTimeout", 5_000L,
            Types.longValue(1, Long.MAX_VALUE), null,
            "ms a request relayed to its session's node may wait beyond a local one (clusterEngine)");
    public static final Option<String> PARSER = add("server.parser", "default", Types.oneOf("default", "msgpack"),
            null, "how packets are encoded for every client: default (socket.io-parser) or msgpack "
                    + "(clients built with socket.io-msgpack-parser 3.x)");

    public static final Option<Boolean> ALLOW_EIO3 = add("server.allowEIO3", false, Types.bool(), null,
            "also serve Engine.IO 3 clients: socket.io-client 2.x and io.socket:socket.io-client 1.x");

    // ---- cors ----
    public static final Option<List<String>> CORS_ORIGINS = add("cors.origins", List.of("*"),
            Types.list(Types.string("\"*\" or an origin such as https://app.example.com (scheme://host[:port])",
                    text -> text.equals("*") || ORIGIN.matcher(text).matches() ? null
                            : "\"*\" or an origin such as https://app.example.com (scheme://host[:port], no path)"),
                    true),
            null, "allowed origins; \"*\" allows any; [] sends no CORS headers");
    public static final Option<Boolean> CORS_CREDENTIALS = add("cors.credentials", true, Types.bool(), null,
            "whether browsers may send cookies and credentials");

    // ---- connection state recovery ----
    public static final Option<Boolean> RECOVERY_ENABLED = add("connectionStateRecovery.enabled", true,
            Types.bool(), null, "clients that drop briefly get their id, rooms, data and missed events back");
    public static final Option<Long> RECOVERY_MAX_DISCONNECTION = add(
            "connectionStateRecovery.maxDisconnectionDuration", 120_000L, Types.longValue(1, Long.MAX_VALUE), null,
            "ms a session is kept after a disconnection");
    public static final Option<Boolean> RECOVERY_SKIP_MIDDLEWARES = add("connectionStateRecovery.skipMiddlewares",
            true, Types.bool(), null, "a recovered client is let in without authenticating again");
    public static final Option<Long> RECOVERY_STORE_TIMEOUT = add("connectionStateRecovery.storeTimeoutMillis",
            2_000L, Types.longValue(1, 600_000), null,
            "ms a reconnect waits for the recovery store (Redis) before it goes on as a new session");

    // ---- adapter ----
    public static final Option<String> ADAPTER_TYPE = add("adapter.type", "memory", Types.oneOf("memory", "redis"),
            null, "memory: one node; redis: a cluster of nodes sharing a Redis");
    public static final Option<String> REDIS_URL_OPTION = add("adapter.redis.url", "redis://127.0.0.1:6379",
            Types.string(REDIS_URL_FORMS, text -> REDIS_URL.matcher(text).matches() ? null : REDIS_URL_FORMS),
            URL_PASSWORD, "the Redis server, Sentinel set or Redis Cluster (adapter.type: redis)");
    public static final Option<String> REDIS_KEY_PREFIX = add("adapter.redis.keyPrefix", "socket.io",
            Types.string("a non-empty channel prefix without * ? [ ] \\",
                    text -> text.isEmpty() || text.chars().anyMatch(c -> "*?[]\\".indexOf(c) >= 0)
                            ? "a non-empty channel prefix without * ? [ ] \\" : null),
            null, "the channel prefix, shared with Node nodes and emitters");
    public static final Option<Long> REDIS_REQUESTS_TIMEOUT = add("adapter.redis.requestsTimeout", 5_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms to wait for the other nodes (fetchSockets, ...)");
    public static final Option<Boolean> REDIS_SHARDED = add("adapter.redis.sharded", false, Types.bool(), null,
            "SSUBSCRIBE/SPUBLISH (Redis 7 cluster), as Node's createShardedAdapter");
    public static final Option<String> REDIS_CLIENT_NAME = add("adapter.redis.clientName", "switchboard",
            Types.string("printable ASCII without spaces",
                    text -> !text.isEmpty() && text.chars().allMatch(c -> c > ' ' && c <= '~') ? null
                            : "printable ASCII without spaces"),
            null, "CLIENT SETNAME of this node's connections (+ -sub, -pub): tells the nodes apart in CLIENT LIST");

    // ---- auth ----
    public static final Option<String> AUTH_SECRET = add("auth.secret", "",
            Types.string("a secret of at least 32 bytes (\"base64:...\" for binary)", ConfigKeys::checkSecret),
            HIDE, "HMAC secret for HS256/HS384/HS512 tokens");
    public static final Option<String> AUTH_PUBLIC_KEY = add("auth.publicKey", "", Types.anyString(), null,
            "a PEM public key or certificate (RSA, EC or Ed25519), inline or as a file path");
    public static final Option<String> JWKS_URL = add("auth.jwks.url", "",
            Types.string("an http(s) URL", ConfigKeys::checkJwksUrl), URL_PASSWORD,
            "a JSON Web Key Set to take public keys from, by the token's kid");
    public static final Option<Long> JWKS_CACHE_SECONDS = add("auth.jwks.cacheSeconds", 600L,
            Types.longValue(1, Long.MAX_VALUE), null, "how long fetched keys are used before fetching again");
    public static final Option<Long> JWKS_MIN_REFRESH_SECONDS = add("auth.jwks.minRefreshSeconds", 10L,
            Types.longValue(0, Long.MAX_VALUE), null, "least time between two fetches for an unknown kid");
    public static final Option<Long> JWKS_TIMEOUT_SECONDS = add("auth.jwks.timeoutSeconds", 5L,
            Types.longValue(1, 600), null, "how long a whole fetch (connection, headers, body) may take");
    public static final Option<List<String>> ALGORITHMS_OPTION = add("auth.algorithms", List.of(),
            Types.list(Types.oneOf(ALGORITHMS.toArray(String[]::new)), true), null,
            "the algorithms accepted; [] for those the configured keys support");
    public static final Option<String> ISSUER = add("auth.issuer", "", Types.anyString(), null,
            "the required iss claim; \"\" to accept any");
    public static final Option<String> AUDIENCE = add("auth.audience", "", Types.anyString(), null,
            "the required aud claim; \"\" to accept any");
    public static final Option<Long> CLOCK_SKEW_SECONDS = add("auth.clockSkewSeconds", 30L,
            Types.longValue(0, 86_400), null, "leeway for exp and nbf");
    public static final Option<Boolean> QUERY_TOKEN = add("auth.queryToken", false, Types.bool(), null,
            "also accept the token as a query parameter of the handshake URL (it may end up in logs)");
    public static final Option<String> QUERY_TOKEN_PARAM = add("auth.queryTokenParam", "token",
            Types.nonEmpty("a query parameter name"), null, "the query parameter of auth.queryToken");
    public static final Option<String> CLAIM_USER_ID = add("auth.claims.userId", "sub",
            Types.nonEmpty("a claim name"), null, "the claim holding the user id (required in every token)");
    public static final Option<String> CLAIM_ORG = add("auth.claims.org", "orgId", Types.nonEmpty("a claim name"),
            null, "the claim holding the organisation id (optional)");
    public static final Option<String> CLAIM_NAME = add("auth.claims.name", "name", Types.nonEmpty("a claim name"),
            null, "the claim holding the display name (optional)");
    public static final Option<String> CLAIM_ROLES = add("auth.claims.roles", "roles",
            Types.nonEmpty("a claim name"), null, "the claim holding the roles (a list, or a space-separated string)");
    public static final Option<List<String>> EXEMPT_NAMESPACES = add("auth.exemptNamespaces", List.of(),
            Types.list(namespacePattern(), true), null, "namespaces that need no token");
    public static final Option<Boolean> ALLOW_DEVELOPMENT_SECRET = add("auth.allowDevelopmentSecret", true,
            Types.bool(), null, "with no key configured, use the public development secret instead of failing");

    // ---- rooms ----
    public static final Option<List<RoomRuleSpec>> ROOM_POLICIES = add("rooms.policies",
            List.of(RoomRuleSpec.of("chat:*"), RoomRuleSpec.of("org:{orgId}:*"), RoomRuleSpec.of("user:{sub}")),
            Types.roomRules(), null, "the rooms a client may join with join-room");
    public static final Option<Integer> MAX_ROOMS_PER_SOCKET = add("rooms.maxRoomsPerSocket", 50,
            Types.integer(1, 100_000), null, "rooms a socket may join with join-room");
    public static final Option<Integer> MAX_ROOM_NAME_LENGTH = add("rooms.maxRoomNameLength", 128,
            Types.integer(1, 10_000), null, "the longest room name, in characters");

    // ---- api ----
    public static final Option<List<String>> API_KEYS = add("api.keys", List.of(),
            Types.list(Types.string("a key of at least 16 characters",
                    text -> text.length() >= 16 ? null : "a key of at least 16 characters"), true),
            HIDE, "keys for the HTTP API; [] disables it");
    public static final Option<List<String>> API_ORG_KEYS = add("api.orgKeys", List.of(),
            Types.list(Types.string("ORG=KEY with a key of at least 16 characters",
                    io.switchboard.server.api.OrgApiKeys::check), true),
            text -> text.replaceFirst("=.*", "=********"),
            "keys scoped to one org, ORG=KEY: GET /api/presence only, about that org's users and rooms");

    // ---- limits on what a client sends ----
    public static final Option<Integer> MAX_NAMESPACES_PER_SESSION = add("limits.maxNamespacesPerSession", 32,
            Types.integer(1, 100_000), null, "namespaces one connection may join at once; more: CONNECT_ERROR");
    public static final Option<Integer> MAX_NAMESPACES = add("limits.maxNamespaces", 1_000,
            Types.integer(1, 10_000_000), null,
            "namespaces live on this node (empty dynamic ones are removed); a CONNECT making one more: CONNECT_ERROR");
    public static final Option<Integer> MAX_AUTH_BYTES = add("limits.maxAuthBytes", 16_384,
            Types.integer(1, Integer.MAX_VALUE), null,
            "the largest handshake auth payload (the CONNECT packet), in bytes; more: CONNECT_ERROR");
    public static final Option<Integer> MAX_EVENT_NAME_LENGTH = add("limits.maxEventNameLength", 512,
            Types.integer(1, Integer.MAX_VALUE), null, "the longest event name, in characters; more: disconnected");
    public static final Option<Integer> MAX_ATTACHMENTS = add("limits.maxAttachments", 10,
            Types.integer(0, 10_000), null, "binary attachments per packet; 0 refuses binary; more: disconnected");
    public static final Option<Integer> MAX_NESTING_DEPTH = add("limits.maxNestingDepth", 32,
            Types.integer(1, 1000), null, "nesting of arrays and objects in a packet; deeper: disconnected");
    public static final Option<Integer> MAX_HTTP_HEADER_SIZE = add("limits.maxHttpHeaderSize", 16_384,
            Types.integer(256, Integer.MAX_VALUE), null, "bytes of HTTP headers per request; more: HTTP 431");
    public static final Option<Integer> MAX_HTTP_HEADER_COUNT = add("limits.maxHttpHeaderCount", 100,
            Types.integer(1, 100_000), null, "HTTP header fields per request; more: HTTP 431");
    public static final Option<Integer> MAX_HTTP_REQUEST_LINE = add("limits.maxHttpRequestLine", 8_192,
            Types.integer(256, Integer.MAX_VALUE), null,
            "bytes of the HTTP request line (method, URL with query, version); more: HTTP 414");
    public static final Option<Integer> MAX_CONNECTIONS = add("limits.maxConnections", 0,
            Types.integer(0, Integer.MAX_VALUE), null,
            "TCP connections this node serves at once; more are closed when accepted; 0: 90% of the descriptor limit");
    public static final Option<Long> HTTP_IDLE_TIMEOUT = add("limits.httpIdleTimeout", 15_000L,
            Types.longValue(1, Long.MAX_VALUE), null,
            "ms an HTTP connection may go without a request (after opening or its last response); then closed");
    public static final Option<Long> REQUEST_HEAD_TIMEOUT = add("limits.requestHeadTimeout", 10_000L,
            Types.longValue(1, Long.MAX_VALUE), null,
            "ms a request head may take from its first byte; slower: HTTP 408 and closed");
    public static final Option<Long> HTTP_REQUEST_BODY_TIMEOUT = add("limits.httpRequestBodyTimeout", 30_000L,
            Types.longValue(1, Long.MAX_VALUE), null,
            "ms a request body may take after its head (the reference's httpRequestBodyTimeout); slower: HTTP 408");
    public static final Option<Long> WEBSOCKET_HANDSHAKE_TIMEOUT = add("limits.websocketHandshakeTimeout", 10_000L,
            Types.longValue(1, Long.MAX_VALUE), null,
            "ms from a websocket upgrade request to the switch to websocket; then closed");

    // ---- presence ----
    public static final Option<Boolean> PRESENCE_ENABLED = add("presence.enabled", true, Types.bool(), null,
            "track which users are online (in Redis with adapter.type redis) and announce the changes");
    public static final Option<String> PRESENCE_AUDIENCE = add("presence.audience", "org",
            Types.oneOf("org", "all", "none"), null,
            "who gets the presence events: the user's org:<org> rooms, every socket, or nobody");
    public static final Option<Long> PRESENCE_TTL = add("presence.ttl", 60_000L, Types.longValue(300, 86_400_000L),
            null, "ms after which the users of a node that stopped refreshing (it died) go offline");
    public static final Option<Long> PRESENCE_LAST_SEEN_RETENTION = add("presence.lastSeenRetention", 604_800_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms the time a user went offline is kept");
    public static final Option<Long> PRESENCE_OFFLINE_GRACE = add("presence.offlineGrace", 3_000L,
            Types.longValue(0, 600_000L), null,
            "ms a user's last socket on a node stays counted after it goes, so a reconnect within it announces nothing");
    public static final Option<String> PRESENCE_VISIBILITY = add("presence.visibility", "org",
            Types.oneOf("org", "all"), null,
            "whose presence presence:query answers: users sharing an org with the asker, or anyone");

    // ---- metrics and health ----
    public static final Option<String> LOGGING_FORMAT = add("logging.format", "text",
            Types.oneOf("text", "json"), null, "console log lines: readable text, or one JSON object per line");
    public static final Option<Boolean> METRICS_ENABLED = add("metrics.enabled", true, Types.bool(), null,
            "serve GET /metrics (Prometheus text format) on the main port");
    public static final Option<Integer> METRICS_MAX_EVENT_NAMES = add("metrics.maxEventNames", 100,
            Types.integer(0, 10_000), null, "distinct event names counted by name; the rest count as \"other\"");
    public static final Option<Integer> METRICS_PORT = add("metrics.port", -1, Types.integer(-1, 65535), null,
            "a separate port for /metrics, /healthz and /readyz (on server.host); -1: the main port; 0 picks one");

    // ---- web (server/web) ----
    public static final Option<Boolean> WEB_SERVE_CLIENT = add("web.serveClient", true, Types.bool(), null,
            "serve the Socket.IO client bundle at <server.path>socket.io.js (.min.js, .map)");
    public static final Option<Boolean> WEB_DEMO = add("web.demo", true, Types.bool(), null,
            "serve the demo chat page at /");

    // ---- rate limits (server/ratelimit) ----
    public static final Option<Boolean> RATE_LIMIT_ENABLED = add("rateLimit.enabled", true, Types.bool(), null,
            "limit the events each socket may send (a token bucket per socket)");
    public static final Option<Integer> RATE_LIMIT_EVENTS_PER_SECOND = add("rateLimit.eventsPerSecond", 50,
            Types.integer(1, 1_000_000), null, "events a socket may send per second, sustained");
    public static final Option<Integer> RATE_LIMIT_BURST = add("rateLimit.burst", 100, Types.integer(1, 1_000_000),
            null, "events a socket may send at once after a quiet time (the bucket's size)");
    public static final Option<List<String>> RATE_LIMIT_EVENTS = add("rateLimit.events", List.of(),
            Types.list(Types.string("EVENT=RATE/BURST, e.g. chat=5/10", ConfigKeys::checkEventLimit), true), null,
            "per-event limits, each event with its own bucket: EVENT=RATE/BURST");
    public static final Option<List<String>> RATE_LIMIT_EXEMPT_EVENTS = add("rateLimit.exemptEvents", List.of(),
            Types.list(Types.nonEmpty("an event name"), true), null, "events that are never limited");
    public static final Option<Integer> RATE_LIMIT_MAX_VIOLATIONS = add("rateLimit.maxViolations", 50,
            Types.integer(0, Integer.MAX_VALUE), null,
            "dropped events within violationWindow after which the socket is disconnected; 0 never disconnects");
    public static final Option<Long> RATE_LIMIT_VIOLATION_WINDOW = add("rateLimit.violationWindow", 10_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms over which violations are counted");
    public static final Option<Integer> RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS = add(
            "rateLimit.maxConnectionsPerAddress", 0, Types.integer(0, Integer.MAX_VALUE), null,
            "open TCP connections and open sessions per client address (each); 0 for no limit");
    public static final Option<Integer> RATE_LIMIT_CONNECTIONS_PER_SECOND = add(
            "rateLimit.connectionsPerSecondPerAddress", 0, Types.integer(0, Integer.MAX_VALUE), null,
            "new connections per second per client address (burst of the same size); 0 for no limit");
    public static final Option<String> RATE_LIMIT_USER_EVENTS = add("rateLimit.userEvents", "100/200",
            Types.string("RATE/BURST or off, e.g. 100/200", ConfigKeys::checkRateBurst), null,
            "events one user (token subject) may send per second over all their connections, and at once");
    public static final Option<String> RATE_LIMIT_CONNECTS = add("rateLimit.connects", "5/20",
            Types.string("RATE/BURST or off, e.g. 5/20", ConfigKeys::checkRateBurst), null,
            "namespace CONNECTs one connection may send per second, and at once");
    public static final Option<String> RATE_LIMIT_CONNECTS_PER_ADDRESS = add("rateLimit.connectsPerAddress",
            "100/300", Types.string("RATE/BURST or off, e.g. 100/300", ConfigKeys::checkRateBurst), null,
            "namespace CONNECTs per second from one client address over all its connections, and at once");
    public static final Option<String> RATE_LIMIT_AUTH_FAILURES = add("rateLimit.authFailures", "1/5",
            Types.string("RATE/BURST or off, e.g. 1/5", ConfigKeys::checkRateBurst), null,
            "failed authentications per second one connection may have before its CONNECTs are refused unverified");
    public static final Option<String> RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS = add(
            "rateLimit.authFailuresPerAddress", "10/50",
            Types.string("RATE/BURST or off, e.g. 10/50", ConfigKeys::checkRateBurst), null,
            "failed authentications per second from one client address before its CONNECTs are refused unverified");
    public static final Option<Long> RATE_LIMIT_COOLDOWN = add("rateLimit.cooldown", 30_000L,
            Types.longValue(0, 86_400_000L), null,
            "ms a client disconnected at maxViolations (its address and its user) must wait to connect again; 0 off");

    // ---- admin namespace (server/admin) ----
    public static final Option<String> ADMIN_KEY = add("admin.key", "",
            Types.string("\"\" or a key of at least 16 characters",
                    text -> text.isEmpty() || text.length() >= 16 ? null : "\"\" or a key of at least 16 characters"),
            HIDE, "the key that opens the /admin namespace (auth: {key}); \"\" for JWTs with admin.role only");
    public static final Option<String> ADMIN_ROLE = add("admin.role", "admin", Types.nonEmpty("a role name"), null,
            "a JWT with this role (auth.claims.roles) opens the /admin namespace");

    // ---- the Socket.IO Admin UI (server/adminui) ----
    public static final Option<Boolean> ADMIN_UI_ENABLED = add("adminUi.enabled", false, Types.bool(), null,
            "serve the Socket.IO Admin UI protocol on adminUi.namespace (and let https://admin.socket.io through CORS)");
    public static final Option<String> ADMIN_UI_NAMESPACE = add("adminUi.namespace", "/admin-ui",
            Types.string("a namespace such as /admin-ui", text -> text.startsWith("/") && text.length() > 1
                    ? null : "a namespace such as /admin-ui"), null,
            "the namespace the UI connects to (its \"Advanced options\"); the same on every node of a cluster");
    public static final Option<String> ADMIN_UI_USERNAME = add("adminUi.username", "", Types.anyString(), null,
            "the user name the UI logs in with");
    public static final Option<String> ADMIN_UI_PASSWORD_HASH = add("adminUi.passwordHash", "", Types.anyString(),
            HIDE, "the bcrypt hash of the UI's password ($2a$/$2b$/$2y$), never the password itself");
    public static final Option<String> ADMIN_UI_MODE = add("adminUi.mode", "development",
            Types.oneOf("development", "production"), null,
            "development: every socket, room and event is sent to the UI; production: aggregated figures only");
    public static final Option<Boolean> ADMIN_UI_READONLY = add("adminUi.readonly", false, Types.bool(), null,
            "refuse the UI's commands (emit, join, leave, disconnect)");
    public static final Option<Long> ADMIN_UI_SESSION_DURATION = add("adminUi.sessionDuration", 86_400L,
            Types.longValue(60, 31_536_000L), null,
            "seconds a login stays valid for reconnections (in Redis with the Redis adapter, shared by the nodes)");
    public static final Option<String> ADMIN_UI_SERVER_ID = add("adminUi.serverId", "", Types.anyString(), null,
            "the name the UI shows for this node; \"\" for hostname#pid");
    public static final Option<Boolean> ADMIN_UI_SERVE_UI = add("adminUi.serveUi", true, Types.bool(), null,
            "serve the UI itself at /admin-ui/ (built into the server from @socket.io/admin-ui)");

    // ---- graceful drain (server/drain) ----
    public static final Option<Long> DRAIN_GRACE_PERIOD = add("drain.gracePeriod", 5_000L,
            Types.longValue(0, Long.MAX_VALUE), null,
            "ms between telling clients server-shutdown and disconnecting them (in-flight acks finish)");
    public static final Option<Long> DRAIN_DEADLINE = add("drain.deadline", 30_000L,
            Types.longValue(1, Long.MAX_VALUE), null, "ms after SIGTERM/SIGINT by which the process exits, whatever hangs");

    private ConfigKeys() {
    }

    private static <T> Option<T> add(String key, T defaultValue, ValueType<T> type, UnaryOperator<String> mask,
                                     String help) {
        Option<T> option = new Option<>(key, defaultValue, type, mask, help);
        ALL.add(option);
        return option;
    }

    /** Every option, in the order of the configuration file. */
    public static List<Option<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    public static Option<?> byKey(String key) {
        for (Option<?> option : ALL) {
            if (option.key().equals(key)) {
                return option;
            }
        }
        return null;
    }

    /**
     * The environment variable of a key: {@code server.<key>} is {@code SWITCHBOARD_<KEY>}, {@code adapter.redis.<key>}
     * is {@code REDIS_<KEY>} (the Redis adapter's own names), {@code auth.secret} is {@code JWT_SECRET}, and every
     * other key is {@code SWITCHBOARD_<SECTION>_<KEY>}; camelCase becomes UPPER_SNAKE_CASE.
     */
    public static String envName(String key) {
        if (key.equals("auth.secret")) {
            return "JWT_SECRET";
        }
        if (key.startsWith("adapter.redis.")) {
            return "REDIS_" + snake(key.substring("adapter.redis.".length()));
        }
        if (key.startsWith("server.")) {
            return "SWITCHBOARD_" + snake(key.substring("server.".length()));
        }
        return "SWITCHBOARD_" + snake(key);
    }

    private static String snake(String path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '.') {
                out.append('_');
            } else if (Character.isUpperCase(c)) {
                // a run of capitals is one word: allowEIO3 is ALLOW_EIO3
                if (i == 0 || !Character.isUpperCase(path.charAt(i - 1))) {
                    out.append('_');
                }
                out.append(c);
            } else {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    /** The bytes of a secret: the UTF-8 text, or the decoded base64 after a {@code base64:} prefix. */
    public static byte[] secretBytes(String secret) {
        if (secret.startsWith("base64:")) {
            return Base64.getDecoder().decode(secret.substring("base64:".length()).trim());
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static String checkSecret(String secret) {
        if (secret.isEmpty()) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = secretBytes(secret);
        } catch (IllegalArgumentException e) {
            return "\"base64:\" followed by valid base64";
        }
        return bytes.length >= 32 ? null
                : "a secret of at least 32 bytes (256 bits, as HS256 requires); this one has " + bytes.length;
    }

    private static String checkRateBurst(String text) {
        return text.equals("off") || io.switchboard.server.ratelimit.RateLimitSettings.parseLimit(text) != null ? null
                : "RATE/BURST with RATE and BURST whole numbers from 1 (e.g. 5/20), or off";
    }

    private static String checkEventLimit(String text) {
        return io.switchboard.server.ratelimit.RateLimitSettings.parseEventLimit(text) != null ? null
                : "EVENT=RATE/BURST with RATE and BURST whole numbers from 1, e.g. chat=5/10";
    }

    private static String checkPath(String path) {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> Character.isWhitespace(c) || c == '?' || c == '#')) {
            return "a path such as /socket.io/ (starting with /, without spaces, ? or #)";
        }
        String normalised = path.endsWith("/") ? path : path + "/";
        if (normalised.equals("/") || normalised.startsWith("/api/")) {
            return "a path such as /socket.io/, other than / and not under /api/ (the HTTP API's)";
        }
        return null;
    }

    private static String checkJwksUrl(String url) {
        if (url.isEmpty()) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        return "an http(s) URL such as https://issuer.example.com/.well-known/jwks.json";
    }

    private static ValueType<String> namespacePattern() {
        String describe = "a namespace pattern such as \"/chat\", \"/team-*\" or \"*\"";
        return Types.string(describe, text -> text.startsWith("/") || text.startsWith("*") ? null : describe);
    }
}
