package io.switchboard.server.presence;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Jwts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.switchboard.javaclient.Fixture;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * Switchboard nodes in this JVM (a real Redis for the cluster ones, each test with its own key prefix), clients with
 * minted JWTs that record their {@code presence} events, and the bounded waits of the presence tests.
 */
final class PresenceTestSupport implements AutoCloseable {
    static final String SECRET = "a-presence-test-secret-of-at-least-32-bytes!";
    static final String API_KEY = "presence-test-api-key-0123456789";
    static final long TIMEOUT_MS = 5_000;
    static final ObjectMapper JSON = new ObjectMapper();
    private static volatile String redisUrl;

    final String prefix = "presence-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<SwitchboardServer> nodes = new CopyOnWriteArrayList<>();
    /** The Redis of the redis nodes: the shared one, or (the cluster variants) a URL of the test's own. */
    private final java.util.function.Supplier<String> url;

    PresenceTestSupport() {
        this(PresenceTestSupport::redisUrl);
    }

    PresenceTestSupport(java.util.function.Supplier<String> url) {
        this.url = url;
    }
    private final List<io.socket.client.Socket> sockets = new CopyOnWriteArrayList<>();

    /** REDIS_URL (environment or system property), else 127.0.0.1:6379, else the test fails saying so. */
    static String redisUrl() {
        if (redisUrl != null) {
            return redisUrl;
        }
        String configured = System.getenv("REDIS_URL");
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("REDIS_URL");
        }
        String candidate = configured == null || configured.isBlank() ? "redis://127.0.0.1:6379" : configured.trim();
        RedisClient probe = RedisClient.create(RedisURI.create(candidate));
        try (StatefulRedisConnection<String, String> c = probe.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            fail("The Redis presence tests need a real Redis (7.0 or later) and none answered at " + candidate
                    + " (" + e.getMessage() + "). Set REDIS_URL=redis://host:port or start one: "
                    + "`redis-server --daemonize yes`.");
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        redisUrl = candidate;
        return redisUrl;
    }

    /** A started node; {@code adapter} memory or redis; {@code extra} more environment variables. */
    SwitchboardServer node(String adapter, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("JWT_SECRET", SECRET);
        env.put("SWITCHBOARD_HOST", "127.0.0.1");
        env.put("SWITCHBOARD_PORT", "0");
        env.put("SWITCHBOARD_API_KEYS", API_KEY);
        env.put("SWITCHBOARD_ADAPTER_TYPE", adapter);
        env.put("SWITCHBOARD_PRESENCE_OFFLINE_GRACE", "0");   // the tests of the grace period set their own
        if (adapter.equals("redis")) {
            env.put("REDIS_URL", url.get());
            env.put("REDIS_KEY_PREFIX", prefix);
        }
        env.putAll(extra);
        SwitchboardServer node = SwitchboardServer.create(ConfigLoader.load(null, env, Map.of()));
        nodes.add(node);
        node.start();
        return node;
    }

    static String token(String sub, String org) {
        var builder = Jwts.builder().subject(sub).expiration(new java.util.Date(System.currentTimeMillis() + 600_000));
        if (org != null) {
            builder.claim("orgId", org);
        }
        return builder.signWith(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                Jwts.SIG.HS256).compact();
    }

    /** A connected client of {@code node} as {@code sub} (member of {@code org}), recording presence events. */
    Client connect(SwitchboardServer node, String sub, String org) throws Exception {
        IO.Options options = Fixture.options("websocket");
        options.auth = Map.of("token", token(sub, org));
        io.socket.client.Socket socket = IO.socket(URI.create("http://127.0.0.1:" + node.address().getPort()), options);
        sockets.add(socket);
        Client client = new Client(socket);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.on(io.socket.client.Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.on(io.socket.client.Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error " + List.of(args))));
        socket.on(Presence.EVENT, args -> {
            // socket.io-client-java replays events that arrived before its CONNECT with the event name in front
            for (Object arg : args) {
                if (arg instanceof JSONObject object) {
                    try {
                        client.events.add(JSON.readTree(object.toString()));
                    } catch (Exception e) {
                        client.events.add(JSON.createObjectNode().put("unparsable", object.toString()));
                    }
                }
            }
        });
        socket.connect();
        connected.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return client;
    }

    static final class Client {
        final io.socket.client.Socket socket;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        /** Every presence event taken from the queue so far, for counting. */
        final List<JsonNode> seen = new ArrayList<>();

        Client(io.socket.client.Socket socket) {
            this.socket = socket;
        }

        /** Waits (bounded) for the presence event of that user with that status. */
        JsonNode await(String userId, String status) throws InterruptedException {
            return await(event -> event.path("userId").asText().equals(userId)
                    && event.path("status").asText().equals(status), userId + " " + status, TIMEOUT_MS);
        }

        JsonNode await(Predicate<JsonNode> wanted, String what, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                for (JsonNode event : seen) {
                    if (wanted.test(event)) {
                        return event;
                    }
                }
                long left = deadline - System.nanoTime();
                JsonNode next = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new AssertionError("no presence event " + what + " within " + timeoutMs + " ms; got " + seen);
                }
                seen.add(next);
            }
        }

        /** Takes what arrived within {@code quietMs} into {@link #seen} and counts the events of that user/status. */
        long count(String userId, String status, long quietMs) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietMs);
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                JsonNode next = events.poll(left, TimeUnit.NANOSECONDS);
                if (next != null) {
                    seen.add(next);
                }
            }
            return seen.stream().filter(event -> event.path("userId").asText().equals(userId)
                    && event.path("status").asText().equals(status)).count();
        }

        /** presence:query with an ack; the answer as JSON. */
        JsonNode query(Object argument) throws Exception {
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            socket.emit(Presence.QUERY_EVENT, new Object[] {argument}, (Ack) args -> {
                try {
                    answer.complete(JSON.readTree(args[0].toString()));
                } catch (Exception e) {
                    answer.completeExceptionally(e);
                }
            });
            return answer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }

        JsonNode queryUsers(String... users) throws Exception {
            return query(new JSONArray(List.of(users)));
        }

        JsonNode queryRoom(String room) throws Exception {
            return query(new JSONObject(Map.of("room", room)));
        }

        void join(String room) throws Exception {
            CompletableFuture<Object> answer = new CompletableFuture<>();
            socket.emit("join-room", new Object[] {room}, (Ack) args -> answer.complete(args[0]));
            assertTrue(answer.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).toString().contains("true"), "joined " + room);
        }

        void disconnect() {
            socket.disconnect();
        }
    }

    /** The entry of one user in a {users: [...]} answer. */
    static JsonNode user(JsonNode answer, String userId) {
        for (JsonNode user : answer.path("users")) {
            if (user.path("userId").asText().equals(userId)) {
                return user;
            }
        }
        return null;
    }

    /** Polls a presence query until it matches (presence changes travel asynchronously), bounded. */
    static JsonNode eventually(ThrowingSupplier<JsonNode> query, Predicate<JsonNode> wanted, String what)
            throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        JsonNode last;
        do {
            last = query.get();
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError(what + " not reached within " + TIMEOUT_MS + " ms; last answer " + last);
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static boolean online(JsonNode answer, String userId, long connections) {
        JsonNode user = user(answer, userId);
        return user != null && user.path("online").asBoolean() && user.path("connections").asLong() == connections;
    }

    static boolean offline(JsonNode answer, String userId) {
        JsonNode user = user(answer, userId);
        return user != null && !user.path("online").asBoolean() && user.path("connections").asLong() == 0;
    }

    /** GET on the node's HTTP API with the test key; the status and the JSON body. */
    static HttpResult get(SwitchboardServer node, String pathAndQuery) throws Exception {
        return get(node, pathAndQuery, API_KEY);
    }

    /** The same with another key. */
    static HttpResult get(SwitchboardServer node, String pathAndQuery, String key) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + node.address().getPort() + pathAndQuery))
                        .header("X-API-Key", key).timeout(Duration.ofMillis(TIMEOUT_MS)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new HttpResult(response.statusCode(), JSON.readTree(response.body()));
    }

    record HttpResult(int status, JsonNode body) {
    }

    /** Closes a node as a crash would: its presence stops refreshing and leaves its counts in Redis. */
    static void crash(SwitchboardServer node) {
        PresenceStore store = node.presence().store();
        assertNotNull(store);
        ((RedisPresenceStore) store).abandon();
        node.close();
    }

    /**
     * MONITOR on a raw connection: the commands Redis executes whose text contains {@code needle}, split into those
     * a client sent (top level) and those scripts ran.
     */
    static final class Monitor implements AutoCloseable {
        private final java.net.Socket socket;
        final List<String> topLevel = new CopyOnWriteArrayList<>();
        final List<String> inScripts = new CopyOnWriteArrayList<>();
        private final String needle;
        private final java.util.Set<String> marks = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Monitor(String needle) throws Exception {
            this.needle = needle;
            URI uri = URI.create(redisUrl());
            socket = new java.net.Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String ok = in.readLine();
            assertTrue(ok != null && ok.startsWith("+OK"), "MONITOR answered " + ok);
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        int mark = line.indexOf(MARK);
                        if (mark >= 0) {
                            marks.add(line.substring(mark, line.indexOf('"', mark)));
                        } else if (line.contains(needle)) {
                            (line.contains(" lua]") ? inScripts : topLevel).add(line);
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "presence-test-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Waits until MONITOR has shown every command Redis ran before now: sends a marker (ECHO) on a connection of
         * its own and waits to see it, as MONITOR shows commands in the order Redis runs them.
         */
        void awaitCaughtUp() throws Exception {
            String mark = MARK + java.util.UUID.randomUUID();
            URI uri = URI.create(redisUrl());
            try (java.net.Socket echo = new java.net.Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort())) {
                echo.getOutputStream().write(("ECHO " + mark + "\r\n").getBytes(StandardCharsets.US_ASCII));
                echo.getOutputStream().flush();
                echo.getInputStream().read();
            }
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (!marks.contains(mark)) {
                assertTrue(System.currentTimeMillis() < deadline, "MONITOR did not show the marker in time");
                Thread.sleep(10);
            }
        }

        /** Waits until at least {@code count} top-level commands were seen, then until MONITOR caught up. */
        void awaitAtLeast(int count) throws Exception {
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (topLevel.size() < count) {
                assertTrue(System.currentTimeMillis() < deadline, "fewer than " + count + " commands: " + topLevel);
                Thread.sleep(10);
            }
            awaitCaughtUp();
        }

        void reset() {
            topLevel.clear();
            inScripts.clear();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    /** The text of the markers {@link Monitor#awaitCaughtUp} sends. */
    private static final String MARK = "switchboard-monitor-mark-";

    @Override
    public void close() {
        for (io.socket.client.Socket socket : sockets) {
            socket.close();
        }
        for (SwitchboardServer node : nodes) {
            node.close();
        }
    }
}
