package io.switchboard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.switchboard.adapter.redis.RedisAdapterFactory;
import io.switchboard.adapter.redis.RedisAdapterOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;

/**
 * What a poll relayed to its session's node costs against a local one: two cluster-engine nodes in this process on
 * one Redis, sessions opened on node A, and closed-loop clients doing "POST an event with an ack, GET the ack"
 * either to A (local) or to B (every request relayed to A over Redis). Interleaved runs; reports the medians of
 * the round trip's p50 and p99 and the CPU time of the nodes' threads (event loops, Lettuce, the Redis inbox; not
 * the clients', nor Redis's own) per round trip, and forwarded/local ratios.
 *
 * <pre>bench/cluster-poll [--clients 20] [--seconds 5] [--runs 3] [--redis redis://127.0.0.1:6379]</pre>
 */
public final class ClusterPollBench {
    private record Node(Server server, RedisAdapterFactory factory, int port) {
    }

    private record Result(String mode, long rounds, double p50Ms, double p99Ms, double cpuUsPerRound) {
    }

    public static void main(String[] argv) throws Exception {
        int clients = 20;
        int seconds = 5;
        int runs = 3;
        String redis = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--clients" -> clients = Integer.parseInt(argv[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(argv[i + 1]);
                case "--runs" -> runs = Integer.parseInt(argv[i + 1]);
                case "--redis" -> redis = argv[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        String key = "bench-cluster-poll-" + ProcessHandle.current().pid();
        Node a = start(redis, key);
        Node b = start(redis, key);
        ExecutorService pool = Executors.newFixedThreadPool(clients, runnable -> {
            Thread thread = new Thread(runnable, "bench-client");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            List<Result> results = new ArrayList<>();
            run(http, a, a, clients, 1, "warm-up-local");
            run(http, a, b, clients, 1, "warm-up-forwarded");
            for (int r = 0; r < runs; r++) {
                results.add(run(http, a, a, clients, seconds, "local"));
                results.add(run(http, a, b, clients, seconds, "forwarded"));
            }
            report(results, clients, seconds, runs);
        } finally {
            for (Node node : List.of(a, b)) {
                node.server().close();
                node.factory().close();
            }
        }
        System.exit(0);
    }

    private static Node start(String redis, String key) throws InterruptedException {
        RedisAdapterFactory factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redis).key(key));
        ServerOptions options = new ServerOptions();
        options.engine().cluster(factory.engineLink()).ioThreads(1);
        Server server = new Server(options.adapter(factory));
        server.onConnection(socket -> socket.on("echo", event -> event.ack(event.argsArray())));
        return new Node(server, factory, server.start("127.0.0.1", 0).getPort());
    }

    /** Closed loop for that long; sessions on {@code owner}, every request to {@code target}. */
    private static Result run(HttpClient http, Node owner, Node target, int clients, int seconds, String mode)
            throws Exception {
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            sids.add(open(http, owner));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = nodeCpu(threads);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<CompletableFuture<long[]>> loops = new ArrayList<>();
        for (String sid : sids) {
            loops.add(CompletableFuture.supplyAsync(() -> loop(http, target, sid, end)));
        }
        List<Long> all = new ArrayList<>();
        for (CompletableFuture<long[]> loop : loops) {
            for (long nanos : loop.get()) {
                all.add(nanos);
            }
        }
        long cpu = nodeCpu(threads) - cpuBefore;
        for (String sid : sids) {
            post(http, owner, sid, "1");   // CLOSE
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        Result result = new Result(mode, sorted.length, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
                sorted.length == 0 ? 0 : cpu / 1e3 / sorted.length);
        System.err.printf(Locale.ROOT, "# %s: %d round trips, p50 %.2f ms, p99 %.2f ms, %.1f us CPU each%n", mode,
                result.rounds(), result.p50Ms(), result.p99Ms(), result.cpuUsPerRound());
        return result;
    }

    private static long[] loop(HttpClient http, Node target, String sid, long end) {
        List<Long> times = new ArrayList<>();
        int n = 0;
        try {
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                String post = post(http, target, sid, "42" + n + "[\"echo\"," + n + "]");
                if (!"ok".equals(post)) {
                    throw new IllegalStateException("POST answered " + post);
                }
                String body = get(http, target, sid);
                if (!body.startsWith("43" + n + "[")) {
                    throw new IllegalStateException("GET answered " + body);
                }
                times.add(System.nanoTime() - start);
                n++;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    /** CPU time of the nodes' threads: everything in this process but the clients and the JVM's own. */
    private static long nodeCpu(ThreadMXBean threads) {
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("bench-client") || name.startsWith("HttpClient") || name.equals("main")) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                total += cpu;
            }
        }
        return total;
    }

    private static String open(HttpClient http, Node owner) throws Exception {
        String handshake = send(http, HttpRequest.newBuilder(url(owner, "")).build());
        int at = handshake.indexOf("\"sid\":\"") + 7;
        String sid = handshake.substring(at, at + 20);
        post(http, owner, sid, "40");
        get(http, owner, sid);   // the CONNECT answer
        return sid;
    }

    private static String get(HttpClient http, Node node, String sid) throws Exception {
        return send(http, HttpRequest.newBuilder(url(node, "&sid=" + sid)).build());
    }

    private static String post(HttpClient http, Node node, String sid, String body) throws Exception {
        return send(http, HttpRequest.newBuilder(url(node, "&sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String send(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static URI url(Node node, String query) {
        return URI.create("http://127.0.0.1:" + node.port() + "/socket.io/?EIO=4&transport=polling" + query);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double median(List<Result> results, String mode, java.util.function.ToDoubleFunction<Result> f) {
        double[] values = results.stream().filter(r -> r.mode().equals(mode)).mapToDouble(f).sorted().toArray();
        return values.length == 0 ? 0 : values[values.length / 2];
    }

    private static void report(List<Result> results, int clients, int seconds, int runs) {
        System.out.printf(Locale.ROOT, "| %d clients, %d s, %d interleaved runs | local | forwarded | forwarded / local |%n",
                clients, seconds, runs);
        System.out.println("|---|---|---|---|");
        row(results, "round trips per second", r -> r.rounds() / (double) seconds, "%.0f");
        row(results, "p50 round trip (ms)", Result::p50Ms, "%.2f");
        row(results, "p99 round trip (ms)", Result::p99Ms, "%.2f");
        row(results, "nodes' CPU per round trip (us)", Result::cpuUsPerRound, "%.1f");
        System.out.println(Arrays.toString(results.toArray()));
    }

    private static void row(List<Result> results, String what, java.util.function.ToDoubleFunction<Result> f,
                            String format) {
        double local = median(results, "local", f);
        double forwarded = median(results, "forwarded", f);
        System.out.printf(Locale.ROOT, "| %s | " + format + " | " + format + " | %.2f |%n", what, local, forwarded,
                local == 0 ? 0 : forwarded / local);
    }
}
