package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * redis-server processes of the tests' own on fixed loopback ports of the range reserved for them (31000-31099),
 * with their data under target/. Whatever a killed test JVM left on those ports is shut down before starting; a
 * shutdown hook stops what this JVM started, so no process outlives it (short of a SIGKILL, which the next run's
 * clean-up covers).
 */
final class LocalRedisServers {
    private static final Map<Integer, Process> RUNNING = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.values().forEach(Process::destroyForcibly),
                "local-redis-servers-stop"));
    }

    private LocalRedisServers() {
    }

    static Path dir(String name) throws IOException {
        Path dir = Path.of("target", "redis-" + name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        return dir;
    }

    /** Starts redis-server on the port with these arguments (after a config file, if any) and waits for it. */
    static void start(int port, Path dir, List<String> arguments) {
        reclaim(port);
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(arguments);
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--enable-debug-command", "local", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis-" + port + ".log").toString()));
        try {
            RUNNING.put(port, new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            fail("these tests start their own redis-server, and none is on the PATH: install Redis "
                    + "(`bash e2e/ensure-test-dependencies` does)", e);
        }
        await("redis-server on port " + port + " accepting connections", 10, () -> answers(port));
    }

    /** Kills the process on the port at once, as a crashed host would. */
    static void kill(int port) throws InterruptedException {
        Process process = RUNNING.remove(port);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void stopAll(List<Integer> ports) throws InterruptedException {
        for (int port : ports) {
            kill(port);
        }
    }

    /** A redis-server left on the port by a JVM that died is told to shut down. */
    private static void reclaim(int port) {
        if (!answers(port)) {
            return;
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("SHUTDOWN NOSAVE\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().read();
        } catch (IOException ignored) {
            // closed: it is going
        }
        await("port " + port + " freed", 10, () -> !answers(port));
    }

    static boolean answers(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command to its end; its output, or a failure with it. */
    static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /** A short-lived plain connection to one server, for set-up and checks. */
    static <T> T with(int port, java.util.function.Function<StatefulRedisConnection<String, String>, T> use) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return use.apply(connection);
        } finally {
            client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
        }
    }

    static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what + " after " + seconds + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }
}
