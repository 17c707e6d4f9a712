package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import io.switchboard.server.auth.AuthSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String SECRET = "a-cli-test-secret-of-at-least-32-bytes-0123456789";

    @TempDir
    Path dir;

    record Run(int code, String out, String err, SwitchboardServer server) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Result result = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(result.exitCode(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                result.server());
    }

    private Path file(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "switchboard", ".yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Jws<Claims> verify(String token, String secret) {
        return Jwts.parser().verifyWith(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .build().parseSignedClaims(token);
    }

    @Test
    void versionPrintsTheVersion() {
        Run run = run(Map.of(), "--version");
        assertEquals(0, run.code());
        assertEquals("switchboard " + Main.version(), run.out().strip());
    }

    @Test
    void helpListsTheCommands() {
        Run run = run(Map.of(), "--help");
        assertEquals(0, run.code());
        for (String command : List.of("serve", "token", "check-config")) {
            assertTrue(run.out().contains(command), run.out());
        }
        Run serveHelp = run(Map.of(), "serve", "--help");
        assertTrue(serveHelp.out().contains("--config") && serveHelp.out().contains("--port"), serveHelp.out());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Run run = run(Map.of(), "token", "--sub", "a", "--frobnicate");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--frobnicate"), run.err());
    }

    @Test
    void tokenMintsAJwtWithTheConfiguredSecretAndClaimNames() throws IOException {
        Path config = file("auth:\n  issuer: https://issuer.test/\n  audience: chat\n"
                + "  claims:\n    org: tenant\n    roles: groups\n");
        Run run = run(Map.of("JWT_SECRET", SECRET), "token", "--config", config.toString(), "--sub", "alice",
                "--org", "acme", "--name", "Alice", "--role", "admin,mod", "--role", "ops", "--ttl", "30m",
                "--claim", "plan=\"pro\"", "--claim", "seats=5");
        assertEquals(0, run.code(), run.err());
        String token = run.out().strip();
        assertEquals(3, token.split("\\.").length, "the token alone on stdout: " + run.out());
        Claims claims = verify(token, SECRET).getPayload();
        assertEquals("alice", claims.getSubject());
        assertEquals("acme", claims.get("tenant"));
        assertEquals("Alice", claims.get("name"));
        assertEquals(List.of("admin", "mod", "ops"), claims.get("groups"));
        assertEquals("pro", claims.get("plan"));
        assertEquals(5, claims.get("seats"));
        assertEquals("https://issuer.test/", claims.getIssuer());
        assertTrue(claims.getAudience().contains("chat"));
        long lifetime = claims.getExpiration().getTime() - claims.getIssuedAt().getTime();
        assertEquals(30 * 60 * 1000L, lifetime);
        assertTrue(claims.getExpiration().after(new Date()));
    }

    @Test
    void tokenWithoutAConfiguredKeyUsesTheDevelopmentSecretAndSaysSo() {
        Run run = run(Map.of(), "token", "--sub", "bob");
        assertEquals(0, run.code(), run.err());
        assertEquals("bob", verify(run.out().strip(), AuthSettings.DEVELOPMENT_SECRET).getPayload().getSubject());
        assertTrue(run.err().contains("development secret"), run.err());
    }

    @Test
    void tokenCanSignWithAPrivateKey() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Run run = run(Map.of(), "token", "--sub", "carol", "--private-key", pem.toString(), "--kid", "k1");
        assertEquals(0, run.code(), run.err());
        Jws<Claims> jws = Jwts.parser().verifyWith(rsa.getPublic()).build().parseSignedClaims(run.out().strip());
        assertEquals("RS256", jws.getHeader().getAlgorithm());
        assertEquals("k1", jws.getHeader().getKeyId());
        assertEquals("carol", jws.getPayload().getSubject());
    }

    @Test
    void tokenNeedsASubjectAndAValidLifetime() {
        assertEquals(2, run(Map.of(), "token").code());
        Run badTtl = run(Map.of(), "token", "--sub", "a", "--ttl", "forever");
        assertEquals(2, badTtl.code());
        assertTrue(badTtl.err().contains("--ttl"), badTtl.err());
    }

    @Test
    void checkConfigPrintsTheEffectiveConfigurationWithSecretsMasked() throws IOException {
        Path config = file("server:\n  port: 4100\napi:\n  keys: [api-key-0123456789abcdef]\n"
                + "adapter:\n  redis:\n    url: redis://:hunter2@redis:6379\n");
        Run run = run(Map.of("JWT_SECRET", SECRET, "SWITCHBOARD_PING_INTERVAL", "1234"), "check-config",
                "--config", config.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("port: 4100"), run.out());
        assertTrue(run.out().contains("pingInterval: 1234"), run.out());
        assertTrue(run.out().contains("secret: '********'"), run.out());
        assertFalse(run.out().contains(SECRET), run.out());
        assertFalse(run.out().contains("api-key-0123456789abcdef"), run.out());
        assertFalse(run.out().contains("hunter2"), run.out());
    }

    @Test
    void checkConfigReportsProblemsOnStderrWithExitCode3() throws IOException {
        Path config = file("server:\n  port: many\n  hots: x\n");
        Run run = run(Map.of(), "check-config", "--config", config.toString());
        assertEquals(3, run.code());
        assertTrue(run.err().contains("invalid value for server.port"), run.err());
        assertTrue(run.err().contains("unknown key server.hots"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void checkConfigChecksTheOptionsTogether() throws IOException {
        Path config = file("auth:\n  allowDevelopmentSecret: false\n");
        Run run = run(Map.of(), "check-config", "--config", config.toString());
        assertEquals(3, run.code());
        assertTrue(run.err().contains("no key configured"), run.err());
        Path mismatch = file("auth:\n  secret: " + SECRET + "\n  algorithms: [RS256]\n");
        Run algorithms = run(Map.of(), "check-config", "--config", mismatch.toString());
        assertEquals(3, algorithms.code());
        assertTrue(algorithms.err().contains("RS256 needs an RSA auth.publicKey or auth.jwks.url"), algorithms.err());
        Path plainPassword = file("auth:\n  secret: " + SECRET + "\n"
                + "adminUi:\n  enabled: true\n  username: admin\n  passwordHash: hunter2hunter2\n");
        Run adminUi = run(Map.of(), "check-config", "--config", plainPassword.toString());
        assertEquals(3, adminUi.code());
        assertTrue(adminUi.err().contains("adminUi.passwordHash must be a bcrypt hash"), adminUi.err());
        assertFalse(adminUi.err().contains("hunter2"), adminUi.err());
    }

    @Test
    void theConfigFileCanComeFromSwitchboardConfig() throws IOException {
        Path config = file("server:\n  port: 4242\n");
        Run run = run(Map.of("SWITCHBOARD_CONFIG", config.toString()), "check-config");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("port: 4242"), run.out());
    }

    @Test
    void serveStartsOnAFreePortByDefaultCommandAndStops() throws IOException {
        Path config = file("auth:\n  secret: " + SECRET + "\n");
        Run run = run(Map.of(), "--config", config.toString(), "--port", "0", "--host", "127.0.0.1");
        assertEquals(0, run.code(), run.err());
        SwitchboardServer server = run.server();
        assertNotNull(server);
        try {
            assertTrue(server.address().getPort() > 0);
        } finally {
            server.close();
        }
    }

    @Test
    void serveRefusesABadConfigurationWithExitCode3() throws IOException {
        Path config = file("server:\n  port: 3000\n  wat: 1\n");
        Run run = run(Map.of(), "serve", "--config", config.toString());
        assertEquals(3, run.code());
        assertNull(run.server());
        assertTrue(run.err().contains("unknown key server.wat"), run.err());
    }

    /** A bad option value is a bad command line (2), not a bad configuration (3); nothing starts. */
    @Test
    void aBadPortOrHostOnTheCommandLineExitsWith2() {
        for (String port : List.of("99999", "-1", "port")) {
            Run run = run(Map.of(), "serve", "--port", port);
            assertEquals(2, run.code(), port + ": " + run.err());
            assertNull(run.server());
            assertTrue(run.err().contains("--port") && run.err().contains(port), run.err());
        }
        Run host = run(Map.of(), "--host", "", "--port", "0");
        assertEquals(2, host.code(), host.err());
    }

    @Test
    void aYamlSyntaxErrorNamesItsLineAndColumn() throws IOException {
        Path config = file("server:\n  port: 3000\nauth:\n  secret: \"unterminated\n  issuer: x\n");
        Run run = run(Map.of(), "check-config", "--config", config.toString());
        assertEquals(3, run.code());
        assertTrue(run.err().matches("(?s).*is not valid YAML at line \\d+, column \\d+: .+"), run.err());
        Path tabs = file("server:\n  port: 3000\n   host: x\n");
        Run indented = run(Map.of(), "check-config", "--config", tabs.toString());
        assertEquals(3, indented.code());
        assertTrue(indented.err().contains("at line 3, column "), indented.err());
    }

    /** Passwords in URLs, also with "/" or "@" in them, and secret query parameters never reach stdout or stderr. */
    @Test
    void checkConfigAndItsErrorsMaskUrlCredentials() throws IOException {
        Path config = file("adapter:\n  type: redis\n  redis:\n    url: 'redis://:p/a@ss@redis.internal:6379/0'\n"
                + "auth:\n  jwks:\n    url: 'https://svc:jwks-pw@idp.example.com/keys?api_key=k3y-123&v=2'\n");
        Run run = run(Map.of(), "check-config", "--config", config.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("redis://:********@redis.internal:6379/0"), run.out());
        assertTrue(run.out().contains("https://svc:********@idp.example.com/keys?api_key=********&v=2"), run.out());
        for (String secret : List.of("p/a@ss", "a@ss", "jwks-pw", "k3y-123")) {
            assertFalse(run.out().contains(secret) || run.err().contains(secret), secret + " shown:\n" + run.out());
        }
        // a bad value is quoted in the error, masked too
        Run bad = run(Map.of("REDIS_URL", "redis://:s3cret/pw@host:6379 x"), "check-config", "--config",
                config.toString());
        assertEquals(3, bad.code(), bad.err());
        assertTrue(bad.err().contains("redis://:********@host:6379 x"), bad.err());
        assertFalse(bad.err().contains("s3cret") || bad.out().contains("s3cret"), bad.err() + bad.out());
    }

    /** The INFO startup log and the JWKS failure warning show the URLs with their credentials masked. */
    @Test
    void theStartupLogMasksUrlCredentials() throws Exception {
        Path config = file("auth:\n  secret: " + SECRET + "\n  jwks:\n"
                + "    url: 'http://svc:jwks-pw@127.0.0.1:1/keys?api_key=k3y-123'\n    timeoutSeconds: 2\n");
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
        ch.qos.logback.classic.Logger startup = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                SwitchboardServer.class);
        ch.qos.logback.classic.Level level = startup.getLevel();
        startup.setLevel(ch.qos.logback.classic.Level.INFO);   // the tests' root logs WARN and above
        SwitchboardServer server = null;
        try {
            Run run = run(Map.of(), "serve", "--config", config.toString(), "--port", "0", "--host", "127.0.0.1");
            assertEquals(0, run.code(), run.err());
            server = run.server();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("cannot fetch the JWKS"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String text = String.join("\n", log.list.stream().map(e -> e.getFormattedMessage()).toList());
            assertTrue(text.lines().anyMatch(line -> line.contains("url:")
                    && line.contains("http://svc:********@127.0.0.1:1/keys?api_key=********")), text);
            assertTrue(text.contains("cannot fetch the JWKS at http://svc:********@127.0.0.1:1/keys?api_key=********"),
                    text);
            for (String secret : List.of("jwks-pw", "k3y-123", SECRET)) {
                assertFalse(text.contains(secret), secret + " in the log:\n" + text);
            }
            // the failure is counted by reason, the other reasons are there at 0
            String metrics = server.metrics().scrape();
            assertTrue(metrics.contains("switchboard_jwks_fetch_failures_total{reason=\"unreachable\"} 1"), metrics);
            assertTrue(metrics.contains("switchboard_jwks_fetch_failures_total{reason=\"timeout\"} 0"), metrics);
        } finally {
            root.detachAppender(log);
            startup.setLevel(level);
            if (server != null) {
                server.close();
            }
        }
    }

    /** A Redis URL whose password holds "/" and "@": the error that it cannot connect shows it masked. */
    @Test
    void aStartupErrorMasksTheRedisPassword() throws IOException {
        Path config = file("auth:\n  secret: " + SECRET + "\nadapter:\n  type: redis\n  redis:\n"
                + "    url: 'redis://:p/a@ss@127.0.0.1:1'\n");
        Run run = run(Map.of(), "serve", "--config", config.toString(), "--port", "0", "--host", "127.0.0.1");
        assertEquals(1, run.code(), run.err());
        assertNull(run.server());
        assertTrue(run.err().contains("redis://:********@127.0.0.1:1"), run.err());
        assertFalse(run.err().contains("p/a") || run.err().contains("a@ss"), run.err());
    }
}
