package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Child processes of the harness: started with a log file, always stopped, killed if they linger. */
final class Procs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.destroyForcibly();
            }
        }, "bench-kill-children"));
    }

    private Procs() {
    }

    /** A free TCP port on 127.0.0.1 (bound then released, so a later bind may in theory race; it does not here). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /**
     * A server process that prints "READY <port>" once it listens (the bench servers), or the packaged server's
     * "Switchboard ... listening on host:port" line.
     */
    static final class ServerProc {
        final String name;
        final Process process;
        final long pid;
        final int port;
        final Path log;
        private final CompletableFuture<Integer> ready = new CompletableFuture<>();
        private final StringBuilder tail = new StringBuilder();

        ServerProc(String name, List<String> command, int port, Path log) throws IOException {
            this(name, command, Map.of(), port, log);
        }

        ServerProc(String name, List<String> command, Map<String, String> env, int port, Path log)
                throws IOException {
            this.name = name;
            this.port = port;
            this.log = log;
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            this.process = pb.start();
            LIVE.add(process);
            this.pid = process.pid();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                     PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
                    out.println("# " + String.join(" ", command));
                    out.flush();
                    String line;
                    while ((line = in.readLine()) != null) {
                        out.println(line);
                        out.flush();
                        synchronized (tail) {
                            if (tail.length() < 4000) {
                                tail.append(line).append('\n');
                            }
                        }
                        if (line.startsWith("READY ")) {
                            ready.complete(Integer.parseInt(line.substring(6).trim()));
                        } else if (line.startsWith("Switchboard ") && line.contains(" listening on ")) {
                            ready.complete(port);
                        }
                    }
                } catch (IOException e) {
                    // the process went away
                }
                ready.completeExceptionally(new IllegalStateException(name + " exited before READY: " + tail()));
            }, "log-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        String tail() {
            synchronized (tail) {
                return tail.toString().trim();
            }
        }

        void awaitReady(int seconds) throws Exception {
            try {
                ready.get(seconds, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(name + " not ready after " + seconds + " s: " + tail());
            } catch (java.util.concurrent.ExecutionException e) {
                throw (Exception) e.getCause();
            }
        }

        void stop() {
            stopProcess(process);
        }
    }

    /** A generator process: JSON lines out, commands in. */
    static final class GenProc {
        final Process process;
        final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final BufferedWriter stdin;

        GenProc(List<String> command, Path log) throws IOException {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            process = pb.start();
            LIVE.add(process);
            stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        try {
                            events.add(JSON.readTree(line));
                        } catch (IOException e) {
                            events.add(JSON.createObjectNode().put("event", "noise").put("line", line));
                        }
                    }
                } catch (IOException e) {
                    // gone
                }
                events.add(JSON.createObjectNode().put("event", "exit"));
            }, "gen-out");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next event named {@code name} (an "error" or "exit" event fails), waiting at most {@code seconds}. */
        JsonNode await(String name, double seconds) throws Exception {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
                if (e == null) {
                    throw new IllegalStateException("generator: no '" + name + "' within " + seconds + " s");
                }
                String ev = e.path("event").asText();
                if (ev.equals(name)) {
                    return e;
                }
                if (ev.equals("error") || ev.equals("exit")) {
                    throw new IllegalStateException("generator failed waiting for '" + name + "': " + e);
                }
            }
        }

        void send(String line) {
            try {
                stdin.write(line);
                stdin.newLine();
                stdin.flush();
            } catch (IOException e) {
                // already gone
            }
        }

        void stop() {
            send("close");
            try {
                stdin.close();
            } catch (IOException e) {
                // gone
            }
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopProcess(process);
        }
    }

    static void stopProcess(Process p) {
        try {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        } finally {
            LIVE.remove(p);
        }
    }

    /** Runs a short command and returns its output (for versions), or "" on failure. */
    static String capture(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
