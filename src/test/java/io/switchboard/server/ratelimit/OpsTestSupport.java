package io.switchboard.server.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigLoader;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged server in-process and Java socket.io-client sockets, for the rate limit, admin and drain tests. Every
 * wait is on a future with a bound; nothing sleeps. As a field with {@code @RegisterExtension} it makes its own
 * folder for config files before each test and closes what it started after it.
 */
public final class OpsTestSupport implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    public static final String SECRET = "an-ops-test-secret-of-at-least-32-bytes-long!!";
    public static final long WAIT = 10;

    private Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<SwitchboardServer> servers = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();

    public OpsTestSupport(Path dir) {
        this.dir = dir;
    }

    /** For {@code @RegisterExtension}: the folder is made before each test. */
    public OpsTestSupport() {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("switchboard-ops-test");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Override
    public void close() {
        clients.forEach(Socket::close);
        servers.forEach(SwitchboardServer::close);
    }

    /** Starts a server on 127.0.0.1, a free port, presence off, with these extra YAML lines. */
    public SwitchboardServer start(String... yaml) throws IOException {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        List<String> lines = new ArrayList<>(List.of("server:", "  host: 127.0.0.1", "  port: 0",
                "auth:", "  secret: " + SECRET, "presence:", "  enabled: false"));
        lines.addAll(List.of(yaml));
        lines.add("");
        Files.writeString(file, String.join("\n", lines));
        SwitchboardServer server = SwitchboardServer.create(ConfigLoader.load(file, Map.of(), Map.of()));
        servers.add(server);
        server.start();
        return server;
    }

    public static String base(SwitchboardServer server) {
        return "http://127.0.0.1:" + server.address().getPort();
    }

    public static String token(String subject, String... roles) {
        var builder = Jwts.builder().subject(subject);
        if (roles.length > 0) {
            builder.claim("roles", List.of(roles));
        }
        return builder.signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8))).compact();
    }

    /** A token with these claims, signed with the test secret. */
    public static String token(Map<String, ?> claims) {
        return Jwts.builder().claims(claims).signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
                .compact();
    }

    /** A socket (not connected yet) to a namespace with this CONNECT payload. */
    public Socket socket(SwitchboardServer server, String namespace, Map<String, String> auth) {
        return socket(server, namespace, auth, "websocket");
    }

    /**
     * The same over one transport. (Over websocket, socket.io-client 2.x ignores the server's close frame and only
     * notices a server that closes through its heartbeat: tests of the server closing use polling.)
     */
    public Socket socket(SwitchboardServer server, String namespace, Map<String, String> auth, String transport) {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] {transport}).setAuth(auth).build();
        Socket socket = IO.socket(URI.create(base(server) + namespace), options);
        clients.add(socket);
        return socket;
    }

    /** Connects and waits for "connect", or "connect_error" whose message is returned. */
    public String connect(Socket socket) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connect"));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error: "
                + (args.length > 0 && args[0] instanceof Exception e ? e.getMessage()
                        : args.length > 0 && args[0] instanceof org.json.JSONObject json ? json.optString("message")
                        : String.valueOf(args[0]))));
        socket.connect();
        return outcome.get(WAIT, TimeUnit.SECONDS);
    }

    public Socket connected(SwitchboardServer server, String namespace, Map<String, String> auth) throws Exception {
        Socket socket = socket(server, namespace, auth);
        assertEquals("connect", connect(socket));
        return socket;
    }

    /** Emits with an ack; the future completes with the ack's first argument. */
    public static CompletableFuture<Object> request(Socket socket, String event, Object... args) {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        Object[] withAck = new Object[args.length + 1];
        System.arraycopy(args, 0, withAck, 0, args.length);
        withAck[args.length] = (Ack) reply -> answer.complete(reply.length == 0 ? null : reply[0]);
        socket.emit(event, withAck);
        return answer;
    }

    public HttpResponse<String> get(SwitchboardServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(server) + path)).timeout(Duration.ofSeconds(WAIT))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
