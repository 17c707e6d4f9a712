package io.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.switchboard.bench.Procs.ServerProc;

/**
 * The private Redis of a cluster scenario: one {@code redis-server}, or a Redis Cluster of its own (masters, and
 * replicas if asked, {@code --cluster-enabled yes} on free loopback ports, made one by
 * {@code redis-cli --cluster create}). No persistence; every process is stopped and the cluster's directory removed
 * by {@link #stop}, whatever happened before.
 */
final class BenchRedis {
    private final List<ServerProc> nodes;
    private final String uri;
    private final Path dir;

    private BenchRedis(List<ServerProc> nodes, String uri, Path dir) {
        this.nodes = nodes;
        this.uri = uri;
        this.dir = dir;
    }

    /** One redis-server on a free loopback port. */
    static BenchRedis single(String redisBin, Path logs) throws Exception {
        List<ServerProc> nodes = new ArrayList<>();
        try {
            int port = start(nodes, redisBin, logs.resolve("cluster-redis.log"), List.of());
            return new BenchRedis(nodes, "redis://127.0.0.1:" + port, null);
        } catch (Exception e) {
            nodes.forEach(ServerProc::stop);
            throw e;
        }
    }

    /** A Redis Cluster of {@code masters} masters with {@code replicas} replicas each, healthy when this returns. */
    static BenchRedis cluster(String redisBin, String redisCli, int masters, int replicas, Path logs, Path dir)
            throws Exception {
        List<ServerProc> nodes = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < masters * (1 + replicas); i++) {
                int busPort = Procs.freePort();
                ports.add(start(nodes, redisBin, logs.resolve("cluster-rc-redis-" + i + ".log"), List.of(
                        "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort),
                        "--cluster-config-file", "nodes-" + i + ".conf", "--dir", dir.toString())));
            }
            List<String> create = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
            ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
            Process p = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(logs.resolve("cluster-rc-create.log").toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + Files.readString(logs.resolve("cluster-rc-create.log")));
            }
            awaitHealthy(ports, masters, 30);
            String uri = "redis-cluster://" + ports.stream().map(port -> "127.0.0.1:" + port)
                    .collect(Collectors.joining(","));
            return new BenchRedis(nodes, uri, dir);
        } catch (Exception e) {
            nodes.forEach(ServerProc::stop);
            removeDir(dir);
            throw e;
        }
    }

    /** Starts one redis-server on a free port and waits until it answers; returns the port. */
    private static int start(List<ServerProc> nodes, String redisBin, Path log, List<String> extra)
            throws Exception {
        int port = Procs.freePort();
        String args = " --port " + port + " --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes "
                + String.join(" ", extra);
        ServerProc p = new ServerProc("redis", List.of("bash", "-c",
                "echo READY " + port + "; exec " + redisBin + args), port, log);
        nodes.add(p);
        p.awaitReady(10);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!command(port, "PING").contains("PONG")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis on " + port + " does not answer: " + p.tail());
            }
            Thread.sleep(50);
        }
        return port;
    }

    private static void awaitHealthy(List<Integer> ports, int masters, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            boolean ok = true;
            for (int port : ports) {
                String info = command(port, "CLUSTER", "INFO");
                ok &= info.contains("cluster_state:ok") && info.contains("cluster_size:" + masters);
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Redis Cluster is not healthy after " + seconds + " s: "
                        + command(ports.get(0), "CLUSTER", "INFO"));
            }
            Thread.sleep(100);
        }
    }

    /** One command in RESP, its reply as text ("" when the server does not answer). */
    private static String command(int port, String... words) {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(2000);
            StringBuilder req = new StringBuilder("*" + words.length + "\r\n");
            for (String w : words) {
                req.append('$').append(w.length()).append("\r\n").append(w).append("\r\n");
            }
            OutputStream o = s.getOutputStream();
            o.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            // a bulk reply "$<length>\r\n<text>\r\n" (or a one-line status or error): read all of it
            StringBuilder reply = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                reply.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                if (complete(reply)) {
                    break;
                }
            }
            return reply.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * How many times every node together ran the command so far ({@code INFO commandstats}, lower case, e.g.
     * {@code spublish}): shows which mode a run really used.
     */
    long calls(String command) {
        long sum = 0;
        String key = "cmdstat_" + command + ":calls=";
        for (ServerProc n : nodes) {
            String stats = command(n.port, "INFO", "commandstats");
            int at = stats.indexOf(key);
            if (at >= 0) {
                int from = at + key.length();
                int to = from;
                while (to < stats.length() && Character.isDigit(stats.charAt(to))) {
                    to++;
                }
                sum += Long.parseLong(stats.substring(from, to));
            }
        }
        return sum;
    }

    private static boolean complete(StringBuilder reply) {
        int eol = reply.indexOf("\r\n");
        if (eol < 0) {
            return false;
        }
        if (reply.charAt(0) != '$') {
            return true;
        }
        int length = Integer.parseInt(reply.substring(1, eol));
        return length < 0 || reply.length() >= eol + 2 + length + 2;
    }

    /** The adapter's URL: {@code redis://} or {@code redis-cluster://} with every node as a seed. */
    String uri() {
        return uri;
    }

    /** Every Redis process (masters and replicas): their CPU is the Redis CPU of a run. */
    List<Long> pids() {
        return nodes.stream().map(n -> n.pid).toList();
    }

    void stop() {
        nodes.forEach(ServerProc::stop);
        removeDir(dir);
    }

    private static void removeDir(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left under bench/target, removed by the next clean
        }
    }
}
