package io.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.socket.client.IO;
import io.switchboard.server.Main;
import io.switchboard.server.SwitchboardServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No secret reaches a log line or the console: the packaged server runs with a JWT secret, API key, admin key and a
 * password-protected Redis, everything logged at DEBUG, through check-config, a start, refused and accepted
 * handshakes, API calls with a wrong and a right key, and configurations refused for a bad secret.
 */
class SecretsInLogsTest {
    private static final String JWT_SECRET = "jwt-secret-value-3f9a1c7e5b2d4f6a8c0e";
    private static final String API_KEY = "api-key-value-7d2e9b4c1a6f";
    private static final String ADMIN_KEY = "admin-key-value-5c8a3e1f9d7b";
    private static final String REDIS_PASSWORD = "redis-password-value-2b6d8f0a4c";
    private static final List<String> SECRETS = List.of(JWT_SECRET, API_KEY, ADMIN_KEY, REDIS_PASSWORD);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every log event, with its arguments, key-value pairs, MDC and stack trace, as text. */
    private final StringBuffer logged = new StringBuffer();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private AppenderBase<ILoggingEvent> appender;
    private Level rootLevel;
    private Level nettyLevel;
    private Process redis;
    private int redisPort;
    private SwitchboardServer server;

    @BeforeEach
    void captureEverything() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                logged.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(' ')
                        .append(event.getFormattedMessage()).append(' ')
                        .append(Arrays.toString(event.getArgumentArray())).append(' ')
                        .append(event.getKeyValuePairs()).append(' ').append(event.getMDCPropertyMap());
                if (event.getThrowableProxy() != null) {
                    logged.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                }
                logged.append('\n');
            }
        };
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger netty = context.getLogger("io.netty");
        rootLevel = root.getLevel();
        nettyLevel = netty.getLevel();
        root.setLevel(Level.DEBUG);
        netty.setLevel(Level.DEBUG);
        root.addAppender(appender);
        startRedisWithPassword();
    }

    @AfterEach
    void restore() throws Exception {
        if (server != null) {
            server.close();
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        root.setLevel(rootLevel);
        context.getLogger("io.netty").setLevel(nettyLevel);
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startRedisWithPassword() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            redisPort = probe.getLocalPort();
        }
        try {
            redis = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(redisPort), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", REDIS_PASSWORD))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail("this test starts its own redis-server, and none is on the PATH", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", redisPort)) {
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        fail("redis-server did not start on port " + redisPort);
    }

    private Map<String, String> env(String redisPassword) {
        Map<String, String> env = new HashMap<>();
        env.put("JWT_SECRET", JWT_SECRET);
        env.put("SWITCHBOARD_API_KEYS", API_KEY);
        env.put("SWITCHBOARD_ADMIN_KEY", ADMIN_KEY);
        env.put("SWITCHBOARD_ADAPTER_TYPE", "redis");
        env.put("REDIS_URL", "redis://:" + redisPassword + "@127.0.0.1:" + redisPort + "/0");
        env.put("REDIS_KEY_PREFIX", "secrets-test");
        env.put("SWITCHBOARD_HOST", "127.0.0.1");
        env.put("SWITCHBOARD_PORT", "0");
        return env;
    }

    private Main.Result run(Map<String, String> env, String... args) {
        PrintStream stream = new PrintStream(console, true, StandardCharsets.UTF_8);
        return Main.run(args, env, stream, stream);
    }

    private void assertNoSecretAnywhere() {
        String logs = logged.toString();
        String out = console.toString(StandardCharsets.UTF_8);
        assertFalse(logs.isBlank(), "nothing was logged: the capture does not work");
        for (String secret : SECRETS) {
            assertFalse(logs.contains(secret), "a log line holds the secret " + secret + ":\n" + logs);
            assertFalse(out.contains(secret), "the console holds the secret " + secret + ":\n" + out);
        }
    }

    @Test
    void checkConfigServingAndRefusalsLogNoSecret() throws Exception {
        assertEquals(0, run(env(REDIS_PASSWORD), "check-config").exitCode(), console.toString());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("********"), console.toString());

        Main.Result serve = run(env(REDIS_PASSWORD), "serve");
        assertEquals(0, serve.exitCode(), console.toString(StandardCharsets.UTF_8));
        server = serve.server();
        String base = "http://127.0.0.1:" + server.address().getPort();

        String wrongSecret = Jwts.builder().subject("mallory").signWith(Keys.hmacShaKeyFor(
                "a-different-secret-of-32-bytes-or-more!!".getBytes(StandardCharsets.UTF_8))).compact();
        assertEquals("connect_error", connect(base, "/", Map.of("token", wrongSecret)));
        assertEquals("connect_error", connect(base, "/", Map.of("token", JWT_SECRET)));
        assertEquals("connect_error", connect(base, "/admin", Map.of("key", ADMIN_KEY + "x")));
        String good = Jwts.builder().subject("alice").signWith(Keys.hmacShaKeyFor(
                JWT_SECRET.getBytes(StandardCharsets.UTF_8))).compact();
        assertEquals("connect", connect(base, "/", Map.of("token", good)));
        assertEquals("connect", connect(base, "/admin", Map.of("key", ADMIN_KEY)));

        assertEquals(401, api(base, "wrong-key-of-sixteen-chars").statusCode());
        assertEquals(401, api(base, API_KEY + "x").statusCode());
        assertEquals(200, api(base, API_KEY).statusCode());
        // the capture saw the effective configuration, with the secrets in it masked
        assertTrue(logged.toString().contains("redis://:********@127.0.0.1:" + redisPort), logged.toString());
        assertNoSecretAnywhere();
    }

    @Test
    void refusedConfigurationsAndAFailedStartShowNoSecret() {
        // the Redis password is wrong: the start fails, naming Redis but not the password
        Map<String, String> wrongPassword = env(REDIS_PASSWORD + "-wrong");
        Main.Result failed = run(wrongPassword, "serve");
        assertNotEquals(0, failed.exitCode());
        assertFalse(console.toString(StandardCharsets.UTF_8).contains(REDIS_PASSWORD), console.toString());

        // values refused as secrets are not echoed back either
        Map<String, String> badSecrets = env(REDIS_PASSWORD);
        badSecrets.put("JWT_SECRET", "short-" + JWT_SECRET.substring(0, 10));
        badSecrets.put("SWITCHBOARD_ADMIN_KEY", ADMIN_KEY.substring(0, 10));
        badSecrets.put("SWITCHBOARD_API_KEYS", API_KEY + "," + API_KEY.substring(0, 8));
        Main.Result refused = run(badSecrets, "check-config");
        assertNotEquals(0, refused.exitCode());
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("auth.secret"), out);
        for (String shown : List.of("short-" + JWT_SECRET.substring(0, 10), ADMIN_KEY.substring(0, 10),
                API_KEY.substring(0, 8))) {
            assertFalse(out.contains(shown), "a refused secret is echoed: " + shown + "\n" + out);
        }
        assertNoSecretAnywhere();
    }

    private static String connect(String base, String namespace, Map<String, String> auth) throws Exception {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] {"websocket"}).setAuth(auth).build();
        io.socket.client.Socket socket = IO.socket(URI.create(base + namespace), options);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> outcome.complete("connect"));
        socket.once(io.socket.client.Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error"));
        socket.connect();
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            socket.close();
        }
    }

    private static HttpResponse<String> api(String base, String key) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/sockets"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertNotNull(response.body());
        return response;
    }
}
