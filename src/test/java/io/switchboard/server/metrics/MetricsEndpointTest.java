package io.switchboard.server.metrics;

import io.switchboard.testsupport.TcpProxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The packaged server in-process: known traffic from the Java socket.io-client, then /metrics scraped before and
 * after must have moved by exactly that traffic; /healthz and /readyz with and without a reachable Redis.
 * Every wait is on an event (latch, future) with a bound; nothing sleeps.
 */
class MetricsEndpointTest {
    private static final String SECRET = "a-metrics-test-secret-of-at-least-32-bytes-long!";
    private static final String API_KEY = "metrics-test-api-key-0123456789";
    private static final long WAIT = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<SwitchboardServer> servers = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        clients.forEach(Socket::close);
        servers.forEach(SwitchboardServer::close);
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private SwitchboardServer start(String extraYaml) throws IOException {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, String.join("\n",
                "server:", "  host: 127.0.0.1", "  port: 0",
                "auth:", "  secret: " + SECRET,
                "api:", "  keys: [" + API_KEY + "]",
                // presence announces joins with broadcasts of its own: off, so that only this traffic counts
                "presence:", "  enabled: false", extraYaml, ""));
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of()));
        servers.add(server);
        server.start();
        return server;
    }

    private static String base(SwitchboardServer server) {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    private HttpResponse<String> get(SwitchboardServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(server) + path)).timeout(Duration.ofSeconds(WAIT))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape(SwitchboardServer server) throws Exception {
        HttpResponse<String> response = get(server, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        if (System.getenv("DUMP_METRICS") != null) {
            Files.writeString(Path.of(System.getenv("DUMP_METRICS")), response.body());
        }
        return PrometheusText.parse(response.body());
    }

    private static String token(String subject) {
        return Jwts.builder().subject(subject)
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8))).compact();
    }

    /** Connects to "/" and waits for connect (or, when {@code refused}, connect_error). */
    private Socket connect(SwitchboardServer server, String token, String transport, boolean refused)
            throws Exception {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] {transport}).setAuth(Map.of("token", token)).build();
        Socket socket = IO.socket(URI.create(base(server)), options);
        clients.add(socket);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connect"));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error"));
        socket.connect();
        assertEquals(refused ? "connect_error" : "connect", outcome.get(WAIT, TimeUnit.SECONDS));
        return socket;
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    @Test
    void handlerErrorsAndABlockedEventLoopShow() throws Exception {
        SwitchboardServer server = start("");
        PrometheusText before = scrape(server);
        for (io.switchboard.core.HandlerKind kind : io.switchboard.core.HandlerKind.values()) {
            assertEquals(0, before.value("switchboard_handler_errors_total", "kind", kind.code()), kind.code());
        }
        assertTrue(before.has("switchboard_event_loop_lag_seconds"));
        server.server().onConnection(socket -> {
            socket.on("boom", event -> {
                throw new IllegalStateException("application bug (expected by the test)");
            });
            socket.on("block", event -> {
                try {
                    Thread.sleep(1_500);   // the mistake the lag metric is for: a blocking call on the loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                event.ack("unblocked");
            });
        });
        Socket client = connect(server, token("alice"), "websocket", false);

        client.emit("boom");
        CompletableFuture<Object> unblocked = new CompletableFuture<>();
        client.emit("block", new Object[] {}, (Ack) args -> unblocked.complete(args[0]));
        assertEquals("unblocked", unblocked.get(WAIT, TimeUnit.SECONDS));
        PrometheusText after = scrape(server);

        assertEquals(1, delta(before, after, "switchboard_handler_errors_total", "kind", "event"));
        double lag = after.value("switchboard_event_loop_lag_seconds");
        assertTrue(lag >= 0.5, "lag " + lag + " s after a loop blocked for 1.5 s");
        assertTrue(client.connected(), "the throw kept the connection");
    }

    @Test
    void countersMoveByExactlyTheTrafficDone() throws Exception {
        SwitchboardServer server = start("");
        CountDownLatch hellos = new CountDownLatch(3);
        CountDownLatch disconnected = new CountDownLatch(1);
        Map<String, io.switchboard.core.Socket> serverSockets = new java.util.concurrent.ConcurrentHashMap<>();
        server.server().onConnection(socket -> {
            serverSockets.put(socket.handshake().auth().path("token").asText(), socket);
            socket.on("hello", event -> hellos.countDown());
            socket.onDisconnect(reason -> disconnected.countDown());
        });

        PrometheusText before = scrape(server);
        assertEquals("counter", before.type("switchboard_packets_in_total"));
        assertEquals("histogram", before.type("switchboard_broadcast_recipients"));

        String aliceToken = token("alice");
        Socket alice = connect(server, aliceToken, "websocket", false);
        Socket bob = connect(server, token("bob"), "polling", false);
        connect(server, "not-a-valid-token", "websocket", true);
        // one handshake refused by the engine: an Engine.IO v3 client
        assertEquals(400, get(server, "/socket.io/?EIO=3&transport=polling").statusCode());

        // three events in, all seen by the server
        for (int i = 0; i < 3; i++) {
            alice.emit("hello", i);
        }
        assertTrue(hellos.await(WAIT, TimeUnit.SECONDS));

        // a broadcast to everyone in "/" through the HTTP API: both clients receive it
        CountDownLatch news = new CountDownLatch(2);
        alice.on("news", args -> news.countDown());
        bob.on("news", args -> news.countDown());
        HttpResponse<String> emitted = http.send(HttpRequest.newBuilder(URI.create(base(server) + "/api/emit"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"news\",\"data\":\"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, emitted.statusCode(), emitted.body());
        assertTrue(news.await(WAIT, TimeUnit.SECONDS));

        // the server asks alice for an acknowledgement
        alice.on("probe", args -> ((Ack) args[args.length - 1]).call("pong"));
        serverSockets.get(aliceToken).timeout(5_000).emitWithAck("probe").get(WAIT, TimeUnit.SECONDS);

        PrometheusText during = scrape(server);
        alice.disconnect();
        assertTrue(disconnected.await(WAIT, TimeUnit.SECONDS));
        PrometheusText after = scrape(server);

        assertEquals("counter", during.type("switchboard_connections_opened_total"));
        assertEquals(2, delta(before, during, "switchboard_connections_opened_total", "namespace", "/", "type", "new"));
        assertEquals(0, delta(before, during, "switchboard_connections_opened_total", "type", "recovered"));
        assertEquals(1, during.value("switchboard_sockets_connected", "namespace", "/", "transport", "websocket"));
        assertEquals(1, during.value("switchboard_sockets_connected", "namespace", "/", "transport", "polling"));
        assertEquals(1, delta(before, during, "switchboard_connect_refused_total", "namespace", "/",
                "reason", "invalid_token"));
        assertEquals(1, delta(before, during, "switchboard_handshake_refused_total",
                "reason", "unsupported_protocol_version"));
        assertEquals(2, delta(before, during, "switchboard_engine_sessions_opened_total", "transport", "websocket"));
        assertEquals(1, delta(before, during, "switchboard_engine_sessions_opened_total", "transport", "polling"));
        assertEquals(1, during.value("switchboard_engine_sessions", "transport", "polling"));
        assertEquals(3, delta(before, during, "switchboard_events_in_total", "namespace", "/", "event", "hello"));
        assertEquals(3, delta(before, during, "switchboard_packets_in_total", "type", "connect"));
        assertEquals(3, delta(before, during, "switchboard_packets_in_total", "type", "event"));
        assertEquals(1, delta(before, during, "switchboard_packets_in_total", "type", "ack"));
        // 2 from the broadcast, 1 from the emit with ack
        assertEquals(3, delta(before, during, "switchboard_packets_out_total", "type", "event"));
        assertEquals(1, delta(before, during, "switchboard_broadcast_recipients_count"));
        assertEquals(2, delta(before, during, "switchboard_broadcast_recipients_sum"));
        assertEquals(0, delta(before, during, "switchboard_broadcast_recipients_bucket", "le", "1.0"),
                "fan-out 2 is not in le=1");
        assertEquals(1, delta(before, during, "switchboard_broadcast_recipients_bucket", "le", "2.0"));
        assertEquals(1, delta(before, during, "switchboard_broadcast_recipients_bucket", "le", "10.0"));
        assertEquals(1, delta(before, during, "switchboard_ack_round_trip_seconds_count"));
        assertEquals(0, delta(before, during, "switchboard_upgrades_total"));

        assertEquals(1, delta(during, after, "switchboard_connections_closed_total", "namespace", "/",
                "reason", "client_namespace_disconnect"));
        assertEquals(1, delta(during, after, "switchboard_packets_in_total", "type", "disconnect"));
        assertEquals(0, after.value("switchboard_sockets_connected", "namespace", "/", "transport", "websocket"));
        assertEquals(1, after.value("switchboard_sockets_connected", "namespace", "/", "transport", "polling"));

        for (String name : List.of("switchboard_netty_direct_memory_used_bytes",
                "switchboard_event_loop_pending_tasks", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_count",
                "jvm_threads_live_threads", "process_uptime_seconds")) {
            assertTrue(after.has(name) || name.startsWith("jvm_gc"), name + " is missing");
        }
        assertTrue(!after.has("switchboard_redis_connected"), "no Redis gauge with the memory adapter");
    }

    /** Before any traffic: every documented counter is there at 0 for its known labels, with the process's own. */
    @Test
    void countersStartAtZeroWithTheirKnownLabelsAndTheProcessIsMeasured() throws Exception {
        PrometheusText fresh = scrape(start(""));
        String[][] zeros = {
            {"switchboard_engine_sessions_opened_total", "transport", "websocket"},
            {"switchboard_engine_sessions_opened_total", "transport", "polling"},
            {"switchboard_engine_sessions_closed_total", "reason", "transport_close"},
            {"switchboard_engine_sessions_closed_total", "reason", "ping_timeout"},
            {"switchboard_handshake_refused_total", "reason", "unsupported_protocol_version"},
            {"switchboard_handshake_refused_total", "reason", "forbidden"},
            {"switchboard_connections_opened_total", "namespace", "/", "type", "new"},
            {"switchboard_connections_opened_total", "namespace", "/", "type", "recovered"},
            {"switchboard_connections_closed_total", "namespace", "/", "reason", "transport_close"},
            {"switchboard_connect_refused_total", "namespace", "/", "reason", "invalid_token"},
            {"switchboard_connect_refused_total", "namespace", "/", "reason", "auth_required"},
            {"switchboard_connect_refused_total", "namespace", "/", "reason", "token_expired"},
            {"switchboard_slow_consumers_disconnected_total"},
        };
        for (String[] zero : zeros) {
            String[] labels = java.util.Arrays.copyOfRange(zero, 1, zero.length);
            assertTrue(fresh.has(zero[0], labels), String.join(" ", zero) + " is missing before its first event");
            assertEquals(0, fresh.value(zero[0], labels), String.join(" ", zero));
        }
        assertTrue(fresh.value("process_open_fds") > 0, "open descriptors");
        assertTrue(fresh.value("process_max_fds") >= fresh.value("process_open_fds"));
        assertTrue(fresh.value("process_resident_memory_bytes") > 1 << 20, "resident memory");
        assertTrue(fresh.value("process_cpu_seconds_total") > 0, "CPU time");
        assertTrue(fresh.value("system_cpus") >= 1);
        assertTrue(!fresh.has("process_cpu_time_ns_total") && !fresh.has("system_cpu_count"));
    }

    /**
     * {@code promtool check metrics} (Debian's prometheus package; e2e/ensure-test-dependencies installs it) accepts
     * the exposition after traffic that fills labelled counters. Fails when promtool is absent.
     */
    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        Path promtool = Promtool.find();
        // the Redis adapter too, for its families
        SwitchboardServer server = start("adapter:\n  type: redis\n  redis:\n    url: redis://127.0.0.1:6379\n"
                + "    keyPrefix: metrics-promtool-" + ProcessHandle.current().pid());
        connect(server, token("erin"), "websocket", false);
        connect(server, token("frank"), "polling", false);
        connect(server, "not-a-valid-token", "websocket", true);
        assertEquals(400, get(server, "/socket.io/?EIO=3&transport=polling").statusCode());
        HttpResponse<String> metrics = get(server, "/metrics");
        assertEquals(200, metrics.statusCode());
        Promtool.Result result = Promtool.checkMetrics(promtool, metrics.body());
        assertEquals(0, result.exitCode(), "promtool check metrics:\n" + result.output());
        assertEquals("", result.output().strip(), "promtool has remarks");
    }

    @Test
    void eventNamesAreCappedAndRefusalsLoggedWithoutTokens() throws Exception {
        SwitchboardServer server = start("metrics:\n  maxEventNames: 2");
        CountDownLatch events = new CountDownLatch(4);
        server.server().onConnection(socket -> socket.onAny((event, args) -> events.countDown()));
        Socket client = connect(server, token("carol"), "websocket", false);
        for (String name : List.of("a", "b", "c", "d")) {
            client.emit(name);
        }
        assertTrue(events.await(WAIT, TimeUnit.SECONDS));
        // a refused connection: one debug line with the reason, never the token
        Logger logger = (Logger) LoggerFactory.getLogger(SwitchboardMetrics.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(lines);
        String badToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.bad-signature-xyz";
        try {
            connect(server, badToken, "websocket", true);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
        List<String> refusals = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains("refused")).toList();
        assertEquals(List.of("connection to namespace / refused: invalid_token"), refusals);
        assertTrue(lines.list.stream().noneMatch(e -> e.getFormattedMessage().contains("bad-signature")));

        PrometheusText after = scrape(server);
        assertEquals(1, after.value("switchboard_events_in_total", "event", "a"));
        assertEquals(1, after.value("switchboard_events_in_total", "event", "b"));
        assertEquals(2, after.value("switchboard_events_in_total", "event", "other"));
        assertEquals(0, after.value("switchboard_events_in_total", "event", "c"));
    }

    @Test
    void healthAndReadiness() throws Exception {
        SwitchboardServer server = start("");
        HttpResponse<String> alive = get(server, "/healthz");
        assertEquals(200, alive.statusCode());
        assertEquals("ok", JSON.readTree(alive.body()).path("status").asText());
        HttpResponse<String> ready = get(server, "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("ready", JSON.readTree(ready.body()).path("status").asText());

        server.health().draining(true);
        HttpResponse<String> draining = get(server, "/readyz");
        assertEquals(503, draining.statusCode());
        JsonNode body = JSON.readTree(draining.body());
        assertTrue(body.path("draining").asBoolean());
        assertEquals("draining", body.path("reasons").path(0).asText());
        assertEquals(200, get(server, "/healthz").statusCode());
    }

    @Test
    void theManagementPortClosesIdleAndSlowConnectionsAndKeepsAnswering() throws Exception {
        SwitchboardServer server = start("metrics:\n  port: 0\nlimits:\n  httpIdleTimeout: 1500\n"
                + "  requestHeadTimeout: 1500");
        int management = server.managementAddress().getPort();
        String url = "http://127.0.0.1:" + management;
        List<java.net.Socket> held = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            java.net.Socket idle = new java.net.Socket("127.0.0.1", management);
            closeables.add(idle);
            held.add(idle);
            java.net.Socket slow = new java.net.Socket("127.0.0.1", management);
            closeables.add(slow);
            slow.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            held.add(slow);
        }
        // while they hold their connections, a probe is answered
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url + "/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        for (java.net.Socket socket : held) {
            socket.setSoTimeout(30_000);
            socket.getInputStream().readAllBytes();   // returns once the management port closes it
        }
        PrometheusText parsed = PrometheusText.parse(http.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(parsed.value("switchboard_connections_refused_total", "reason", "idle_timeout") >= 100);
        assertTrue(parsed.value("switchboard_connections_refused_total", "reason", "request_timeout") >= 100);
    }

    @Test
    void aSeparateManagementPort() throws Exception {
        SwitchboardServer server = start("metrics:\n  port: 0");
        int management = server.managementAddress().getPort();
        assertTrue(management != server.address().getPort());
        connect(server, token("dave"), "websocket", false);
        assertEquals(404, get(server, "/metrics").statusCode());
        assertEquals(404, get(server, "/readyz").statusCode());
        String url = "http://127.0.0.1:" + management;
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        PrometheusText parsed = PrometheusText.parse(metrics.body());
        assertEquals(1, parsed.value("switchboard_sockets_connected", "namespace", "/", "transport", "websocket"));
        assertTrue(parsed.has("switchboard_event_loop_pending_tasks"));
        for (String path : List.of("/healthz", "/readyz")) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), path);
        }
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(url + "/elsewhere")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void readyWithAReachableRedis() throws Exception {
        SwitchboardServer server = start("adapter:\n  type: redis\n  redis:\n    url: redis://127.0.0.1:6379\n"
                + "    keyPrefix: metrics-test-" + ProcessHandle.current().pid());
        HttpResponse<String> ready = get(server, "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        PrometheusText metrics = scrape(server);
        assertEquals(1, metrics.value("switchboard_redis_connected"));
        assertEquals(0, metrics.value("switchboard_adapter_malformed_messages_total"));
        assertEquals(0, metrics.value("switchboard_adapter_request_timeouts_total"));
        assertEquals(0, metrics.value("switchboard_adapter_request_latency_seconds_count"));

        // a server-side emit is one message published to the request channel, which this node also receives
        double published = metrics.value("switchboard_adapter_messages_published_total");
        double received = metrics.value("switchboard_adapter_messages_received_total");
        server.server().serverSideEmit("metrics-probe");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        PrometheusText after = scrape(server);
        while (after.value("switchboard_adapter_messages_received_total") == received
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            after = scrape(server);
        }
        assertEquals(published + 1, after.value("switchboard_adapter_messages_published_total"));
        assertEquals(received + 1, after.value("switchboard_adapter_messages_received_total"));
    }

    /**
     * Redis behind a proxy that is then shut: the adapter's URL now names a port with nothing listening, and
     * /readyz answers 503 with the reason. The shared Redis itself is left alone.
     */
    @Test
    void notReadyWhenRedisBecomesUnreachable() throws Exception {
        TcpProxy proxy = new TcpProxy("127.0.0.1", 6379);
        closeables.add(proxy);
        SwitchboardServer server = start("adapter:\n  type: redis\n  redis:\n    url: redis://127.0.0.1:"
                + proxy.port() + "\n    keyPrefix: metrics-test-down-" + ProcessHandle.current().pid());
        assertEquals(200, get(server, "/readyz").statusCode());

        proxy.close();
        // the adapter learns of the lost connections asynchronously: wait for that state, bounded
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        HttpResponse<String> response = get(server, "/readyz");
        while (response.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            response = get(server, "/readyz");
        }
        assertEquals(503, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("not ready", body.path("status").asText());
        assertEquals("Redis unreachable", body.path("reasons").path(0).asText());
        assertEquals(0, scrape(server).value("switchboard_redis_connected"));
        assertEquals(200, get(server, "/healthz").statusCode());
    }

}
