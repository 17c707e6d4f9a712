package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port, that the test may stop and start again: for outages that the
 * shared Redis must not suffer. Needs redis-server on the PATH (e2e/ensure-test-dependencies installs it). DEBUG is
 * allowed from localhost, for tests that make it sleep.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    public static RedisProcess start() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(port);
        redis.restart();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts (again) on the same port and waits until it accepts connections. */
    void restart() throws Exception {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "local"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail("this test starts its own redis-server, and none is on the PATH: install Redis "
                    + "(`bash e2e/ensure-test-dependencies` does)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        fail("redis-server did not start on port " + port);
    }

    /** Stops the server as an outage would: at once, connections dropped. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Stalls the server as a frozen host would (SIGSTOP): connections stay open, nothing is answered. */
    public void pause() throws Exception {
        signal("STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + name + " of redis-server " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            // a paused server does not stop on SIGTERM
            try {
                resume();
            } catch (Exception | AssertionError ignored) {
                // stopped below anyway
            }
            stop();
        }
    }
}
