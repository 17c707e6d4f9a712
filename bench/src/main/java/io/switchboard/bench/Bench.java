package io.switchboard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.bench.Procs.GenProc;
import io.switchboard.bench.Procs.ServerProc;

/**
 * Runs the scenarios against the servers, interleaved (run 1 of every server, then run 2, ...), and reports the
 * medians, the ratios against the targets, one JSON line per result and a markdown table.
 *
 * <pre>
 * java ... io.switchboard.bench.Bench [scenario...] [--runs 3] [--servers switchboard,node,raw] [--smoke]
 * </pre>
 *
 * Scenarios: idle-10k, idle-20k, fanout-1k, fanout-5k, echo, cluster-fanout (all when none is named), and
 * cluster-fanout-rc (only when named). See
 * bench/README.md for what each measures and how.
 */
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ALL = List.of("idle-10k", "idle-20k", "idle-rooms-10k", "idle-polling-5k",
            "fanout-1k", "fanout-5k", "echo", "cluster-fanout");
    /** Run only when named: they start a Redis Cluster and take several minutes. */
    static final List<String> BY_NAME = List.of("cluster-fanout-rc");
    static final List<String> SERVERS = List.of("switchboard", "node", "raw");
    static final String IDLE_ROOMS = "idle-rooms-10k";
    static final String IDLE_POLLING = "idle-polling-5k";

    /**
     * What the idle clients are: websocket clients in no room; websocket clients in 5 rooms each with connection
     * state recovery on in the server (the state real applications carry); long-polling clients.
     */
    enum IdleKind { PLAIN, ROOMS, POLLING }

    /** A server variant {@code X-msgpack}: X with socket.io-msgpack-parser (switchboard, node). */
    static final String MSGPACK_SUFFIX = "-msgpack";

    private final Args args;
    private final boolean smoke;
    private final int runs;
    private final List<String> servers;
    private final Path home;
    private final Path sbJar;
    private final Path sbBaseJar;
    private final Path classes;
    private final Path lib;
    private final Path logs;
    private final Path out;
    private final String serverJvmOpts;
    private final String genJvmOpts;
    private final boolean jfr;
    private int srcBlock;
    private int manyBlock;

    /** scenario -> server -> runs. */
    private final Map<String, Map<String, List<Map<String, Double>>>> results = new LinkedHashMap<>();
    private final Map<String, Map<String, List<String>>> errors = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final ArrayNode resultLines = JSON.createArrayNode();

    private Bench(Args args) {
        this.args = args;
        this.smoke = args.flag("smoke");
        this.runs = args.integer("runs", smoke ? 1 : 3);
        this.servers = List.of(args.str("servers", String.join(",", SERVERS)).split(","));
        this.home = Path.of(System.getProperty("bench.home", "bench")).toAbsolutePath().normalize();
        this.sbJar = Path.of(System.getProperty("bench.sbJar", home.resolve("target/sut/switchboard.jar").toString()));
        // "switchboard-base": an earlier build (BENCH_BASE_JAR) run beside this one, for before/after in one run
        String base = System.getProperty("bench.sbBaseJar", "");
        this.sbBaseJar = base.isEmpty() ? null : Path.of(base);
        this.classes = home.resolve("target/classes");
        this.lib = home.resolve("target/lib");
        this.logs = home.resolve("target/logs");
        this.out = Path.of(args.str("out", home.resolve("results").toString()));
        this.serverJvmOpts = args.str("server-jvm-opts", System.getProperty("bench.serverJvmOpts", "-Xmx2g -XX:MaxNewSize=32m -XX:TrimNativeHeapInterval=1000"));
        this.genJvmOpts = System.getProperty("bench.genJvmOpts", "-Xms256m -Xmx1g -XX:+UseParallelGC");
        this.jfr = args.flag("jfr");
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, "smoke", "jfr");
        if (args.has("render")) {
            render(Path.of(args.str("render", "")));
            System.exit(0);
        }
        List<String> scenarios = new ArrayList<>(args.positional());
        if (scenarios.isEmpty() || scenarios.contains("all")) {
            scenarios = ALL;
        }
        for (String s : scenarios) {
            if (!ALL.contains(s) && !BY_NAME.contains(s)) {
                System.err.println("unknown scenario " + s + "; known: " + ALL + " and " + BY_NAME);
                System.exit(2);
            }
        }
        Bench bench = new Bench(args);
        long start = System.nanoTime();
        for (String s : scenarios) {
            bench.scenario(s);
        }
        bench.report((System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    // ------------------------------------------------------------------ parameters

    private int n(int full, int small) {
        return smoke ? small : full;
    }

    private double warmup() {
        return args.dbl("warmup-s", smoke ? 1 : 3);
    }

    private double measure() {
        return args.dbl("measure-s", smoke ? 1.5 : 5);
    }

    private double fixedSeconds() {
        return args.dbl("fixed-s", smoke ? 1.5 : 5);
    }

    /** Seconds at the fixed rate before its measurement: the closed loop's aftermath settles for every server. */
    private double fixedSettle() {
        return args.dbl("fixed-settle-s", smoke ? 1 : 8);
    }

    private double fixedRate() {
        return args.dbl("fixed-rate", 20_000);
    }

    private int window() {
        return args.integer("window", 8);
    }

    // ------------------------------------------------------------------ scenario loop

    private void scenario(String name) throws Exception {
        if (name.equals("cluster-fanout")) {
            cluster();
            return;
        }
        if (name.equals("cluster-fanout-rc")) {
            clusterOnRedisCluster();
            return;
        }
        log("== " + name + ": " + runs + " run(s) of " + servers + ", interleaved");
        for (int run = 1; run <= runs; run++) {
            for (String server : servers) {
                if (server.equals("switchboard-packaged") && !name.startsWith("idle")) {
                    continue; // the packaged server has no bench handlers: the idle scenarios only (rooms: join-room)
                }
                if (server.equals("node-announcing") && !name.equals(IDLE_ROOMS)) {
                    continue; // it differs from node only in the rooms scenario's join event
                }
                if (server.equals("raw") && name.equals(IDLE_POLLING)) {
                    continue; // the raw server speaks websocket only
                }
                log("-- " + name + " / " + server + " / run " + run);
                try {
                    Map<String, Double> m = switch (name) {
                        case "idle-10k" -> idle(server, n(10_000, 300), n(10_000, 300), false, IdleKind.PLAIN);
                        case "idle-20k" -> idle(server, n(20_000, 600), n(10_000, 300), true, IdleKind.PLAIN);
                        case IDLE_ROOMS -> idle(server, n(10_000, 300), n(10_000, 300), false, IdleKind.ROOMS);
                        case IDLE_POLLING -> idle(server, n(5_000, 200), n(5_000, 200), false, IdleKind.POLLING);
                        case "fanout-1k" -> fanout(server, n(1_000, 100), name, run);
                        case "fanout-5k" -> fanout(server, n(5_000, 300), name, run);
                        case "echo" -> echo(server, n(100, 20), run);
                        default -> throw new IllegalArgumentException(name);
                    };
                    record(name, server, run, m);
                } catch (Exception e) {
                    recordError(name, server, run, e);
                }
                Thread.sleep(smoke ? 300 : 1000);
            }
        }
    }

    private void record(String scenario, String server, int run, Map<String, Double> m) {
        results.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>())
                .add(m);
        ObjectNode line = JSON.createObjectNode().put("type", "run").put("scenario", scenario).put("server", server)
                .put("run", run);
        line.set("metrics", JSON.valueToTree(m));
        System.err.println(line);
    }

    private void recordError(String scenario, String server, int run, Exception e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        if (msg.length() > 600) {
            msg = msg.substring(0, 600) + "...";
        }
        errors.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>())
                .add("run " + run + ": " + msg);
        ObjectNode line = JSON.createObjectNode().put("type", "run").put("scenario", scenario).put("server", server)
                .put("run", run).put("error", msg);
        System.err.println(line);
    }

    private static void log(String s) {
        System.err.println("# " + s);
    }

    // ------------------------------------------------------------------ processes

    private ServerProc startServer(String server, String tag, String... extra) throws Exception {
        return startServer(server, tag, List.of(), extra);
    }

    private ServerProc startServer(String server, String tag, List<String> jvmExtra, String... extra)
            throws Exception {
        int port = Procs.freePort();
        List<String> cmd = new ArrayList<>();
        switch (server) {
            case "switchboard", "switchboard-base", "switchboard-defaults", "switchboard-msgpack" -> {
                Path jar = server.equals("switchboard-base") ? sbBaseJar : sbJar;
                if (jar == null) {
                    throw new IllegalArgumentException("switchboard-base needs BENCH_BASE_JAR (an earlier switchboard.jar)");
                }
                cmd.add(javaBin());
                if (!server.equals("switchboard-defaults")) {
                    // the defaults variant is the library as an application embeds it: the JVM's own defaults
                    cmd.addAll(List.of(serverJvmOpts.trim().split("\\s+")));
                }
                cmd.addAll(jvmExtra);
                if (jfr) {
                    Files.createDirectories(home.resolve("target/jfr"));
                    cmd.add("-XX:StartFlightRecording=settings=profile,filename="
                            + home.resolve("target/jfr/" + tag + ".jfr"));
                }
                cmd.addAll(List.of("-cp", jar + ":" + classes, "io.switchboard.bench.server.SwitchboardBenchServer"));
            }
            case "raw" -> {
                cmd.add(javaBin());
                cmd.addAll(List.of(serverJvmOpts.trim().split("\\s+")));
                cmd.addAll(List.of("-cp", classes + ":" + lib + "/*", "io.switchboard.bench.server.RawNettyServer"));
            }
            case "switchboard-packaged" -> {
                return startPackaged(port, tag);
            }
            case "node", "node-msgpack", "node-announcing" -> cmd.addAll(List.of(
                    System.getProperty("bench.node", "node"), "--expose-gc",
                    home.resolve("node-server/server.mjs").toString()));
            default -> throw new IllegalArgumentException("unknown server " + server);
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--host", "127.0.0.1", "--max-lifetime-s", "900"));
        cmd.addAll(parserArgs(server));
        cmd.addAll(List.of(extra));
        ServerProc p = new ServerProc(server, cmd, port, logs.resolve(tag + "-" + server + ".log"));
        try {
            p.awaitReady(60);
        } catch (Exception e) {
            p.stop();
            throw e;
        }
        return p;
    }

    /**
     * The packaged server exactly as the README's first command starts it, {@code java -jar target/switchboard.jar}
     * with no JVM option and no configuration file, on a free port; the one change is {@code /} exempted from
     * authentication (the generator sends no token). It has none of the bench handlers, so it runs only the idle
     * scenarios; its heap figures come from {@code jcmd} (it has no {@code /bench/gc}).
     */
    private ServerProc startPackaged(int port, String tag) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", sbJar.toString()));
        Map<String, String> env = Map.of("SWITCHBOARD_PORT", Integer.toString(port), "SWITCHBOARD_HOST", "127.0.0.1",
                "SWITCHBOARD_AUTH_EXEMPT_NAMESPACES", "/");
        ServerProc p = new ServerProc("switchboard-packaged", cmd, env, port,
                logs.resolve(tag + "-switchboard-packaged.log"));
        try {
            p.awaitReady(60);
        } catch (Exception e) {
            p.stop();
            throw e;
        }
        return p;
    }

    /** Heap figures of a server: its {@code /bench/gc} route, else (a JVM without it) {@code jcmd}'s histogram. */
    private static JsonNode gcReport(ServerProc s) {
        if (!s.name.equals("switchboard-packaged")) {
            return httpGet(s.port, "/bench/gc");
        }
        // GC.class_histogram collects first: its total is the live heap
        String histogram = Procs.capture(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(s.pid), "GC.class_histogram"));
        for (String line : histogram.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                return JSON.createObjectNode().put("heap_used", Long.parseLong(f[2]));
            }
        }
        return JSON.createObjectNode();
    }

    /**
     * {@code --parser msgpack} for a {@code -msgpack} variant (the server started with socket.io-msgpack-parser's
     * framing, and its generator speaking it), nothing otherwise: server and generator get the same.
     */
    static List<String> parserArgs(String server) {
        return server.endsWith(MSGPACK_SUFFIX) ? List.of("--parser", "msgpack") : List.of();
    }

    private GenProc startGen(String tag, String... genArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.addAll(List.of(genJvmOpts.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", classes + ":" + lib + "/*", "io.switchboard.bench.gen.LoadGen"));
        cmd.addAll(List.of(genArgs));
        return new GenProc(cmd, logs.resolve(tag + "-gen.log"));
    }

    /** Eight loopback source addresses, a different block for every generator started (TIME_WAIT stays apart). */
    private String nextSources() {
        int block = srcBlock++ % 30;
        int first = 2 + block * 8;
        return "127.0.0." + first + "-127.0.0." + (first + 7);
    }

    /**
     * 250 loopback source addresses, another block for every generator started. For the packaged server: its
     * default {@code rateLimit.connectsPerAddress} (100 per second, burst 300) refuses what eight addresses send at
     * thousands of connects per second, where real clients each come from their own address.
     */
    private String manySources() {
        int block = 1 + manyBlock++ % 250;
        return "127.1." + block + ".1-127.1." + block + ".250";
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** GET on the bench server's diagnostics route; an empty object when it does not answer. */
    private static JsonNode httpGet(int port, String path) {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(30_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // the JSON object in the body, whatever the transfer encoding
            return JSON.readTree(response.substring(response.indexOf('{'), response.lastIndexOf('}') + 1));
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    // ------------------------------------------------------------------ idle

    private Map<String, Double> idle(String server, int requested, int perGen, boolean extrapolate, IdleKind kind)
            throws Exception {
        String tag = "idle-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + requested + "-" + server;
        ServerProc s = kind == IdleKind.ROOMS ? startServer(server, tag, "--recovery") : startServer(server, tag);
        List<GenProc> gens = new ArrayList<>();
        try {
            Thread.sleep(1000);
            JsonNode gc0 = gcReport(s);
            Thread.sleep(500);
            long rss0 = ProcStat.rssBytes(s.pid);
            int fds0 = ProcStat.openFds(s.pid);
            long maxFiles = ProcStat.maxOpenFiles(s.pid);
            // the largest count that fits under the server's open-file limit, leaving room for what it opens later
            long budget = maxFiles > 0 ? maxFiles - fds0 - 100 : Long.MAX_VALUE;
            if (server.equals("switchboard-packaged") && maxFiles > 0) {
                // its own cap (limits.maxConnections 0): 90 % of the descriptor limit, refused beyond it
                budget = Math.min(budget, maxFiles * 9 / 10 - fds0 - 100);
            }
            if (kind == IdleKind.POLLING) {
                budget /= 2; // a polling client may hold two connections: its poll and its POSTs
            }
            int n = (int) Math.min(requested, budget);
            int count = (n + perGen - 1) / perGen;
            // a polling client's connect takes three requests and a second connection
            long connectBound = 30 + n / (kind == IdleKind.POLLING ? 40 : 200);
            for (int g = 0; g < count; g++) {
                int share = n / count + (g < n % count ? 1 : 0);
                List<String> genArgs = new ArrayList<>(List.of("--mode", "idle", "--urls", "127.0.0.1:" + s.port,
                        "--clients", Integer.toString(share),
                        "--src", server.equals("switchboard-packaged") ? manySources() : nextSources(),
                        "--threads", count > 1 ? "1" : "2", "--concurrency", "128",
                        "--connect-timeout-s", Long.toString(connectBound),
                        "--max-s", Long.toString(connectBound + 120)));
                genArgs.addAll(parserArgs(server));
                switch (kind) {
                    case ROOMS -> {
                        genArgs.addAll(List.of("--rooms", "5"));
                        if (server.equals("switchboard-packaged") || server.equals("node-announcing")) {
                            // the packaged server's room event, under its default policy's "chat:*" (recovery is on
                            // by default), which announces each join to the room; node-announcing does the same
                            genArgs.addAll(List.of("--join-event", "join-room", "--room-prefix", "chat:room-"));
                        }
                    }
                    case POLLING -> genArgs.addAll(List.of("--transport", "polling"));
                    default -> { }
                }
                gens.add(startGen(tag + "-" + g, genArgs.toArray(String[]::new)));
            }
            long ready = 0;
            long failed = 0;
            long firstStart = Long.MAX_VALUE;
            long lastEnd = Long.MIN_VALUE;
            List<String> failures = new ArrayList<>();
            for (GenProc g : gens) {
                JsonNode r = g.await("ready", connectBound + 30);
                ready += r.path("ready").asLong();
                failed += r.path("failed").asLong();
                firstStart = Math.min(firstStart, r.path("start_ns").asLong());
                lastEnd = Math.max(lastEnd, r.path("end_ns").asLong());
                if (r.has("failures")) {
                    failures.add(r.get("failures").toString());
                }
            }
            if (!failures.isEmpty()) {
                log("connect failures: " + String.join(" ", failures));
            }
            Thread.sleep((long) (args.dbl("settle-s", smoke ? 1 : 3) * 1000));
            long rss1 = ProcStat.rssBytes(s.pid);
            int fds1 = ProcStat.openFds(s.pid);
            JsonNode gc1 = gcReport(s);
            Thread.sleep(1000);
            long rss2 = ProcStat.rssBytes(s.pid);
            for (GenProc g : gens) {
                g.send("status");
            }

            Map<String, Double> m = new LinkedHashMap<>();
            m.put("requested", (double) requested);
            m.put("fd_budget", (double) budget);
            m.put("clients", (double) ready);
            m.put("failed", (double) failed);
            m.put("generators", (double) count);
            double seconds = (lastEnd - firstStart) / 1e9;
            m.put("connect_s", seconds);
            m.put("connects_per_s", seconds > 0 ? ready / seconds : Double.NaN);
            m.put("server_fds", (double) fds1);
            m.put("rss_base_mb", rss0 / 1048576.0);
            m.put("rss_mb", rss1 / 1048576.0);
            m.put("rss_after_gc_mb", rss2 / 1048576.0);
            m.put("rss_per_conn_kb", ready > 0 ? (rss1 - rss0) / 1024.0 / ready : Double.NaN);
            m.put("rss_after_gc_per_conn_kb", ready > 0 ? (rss2 - rss0) / 1024.0 / ready : Double.NaN);
            long heap0 = gc0.path("heap_used").asLong(-1);
            long heap1 = gc1.path("heap_used").asLong(-1);
            if (heap0 >= 0 && heap1 >= 0 && ready > 0) {
                m.put("heap_live_per_conn_kb", (heap1 - heap0) / 1024.0 / ready);
            }
            if (extrapolate && ready > 0) {
                double perConn = (double) (rss1 - rss0) / ready;
                m.put("extrapolated_100k_rss_mb", (rss0 + 100_000 * perConn) / 1048576.0);
            }
            return m;
        } finally {
            for (GenProc g : gens) {
                g.send("close");
            }
            for (GenProc g : gens) {
                g.stop();
            }
            s.stop();
        }
    }

    // ------------------------------------------------------------------ fan-out and echo

    private String[] fanoutArgs(String urls, int clients, String pids) {
        return new String[] {"--mode", "fanout", "--urls", urls, "--clients", Integer.toString(clients),
            "--src", nextSources(), "--threads", "2", "--concurrency", "128", "--server-pids", pids,
            "--window", Integer.toString(window()), "--warmup-s", Double.toString(warmup()),
            "--measure-s", Double.toString(measure()), "--fixed-rate", Double.toString(fixedRate()),
            "--fixed-settle-s", Double.toString(fixedSettle()), "--fixed-s", Double.toString(fixedSeconds()),
            "--payload", "64",
            "--connect-timeout-s", "60", "--max-s", Long.toString(fanoutBound(clients))};
    }

    private long fanoutBound(int clients) {
        return (long) (90 + clients / 200 + warmup() + measure() + fixedSettle() + fixedSeconds() + 20);
    }

    private Map<String, Double> fanout(String server, int clients, String name, int run) throws Exception {
        String tag = name + "-r" + run;
        ServerProc s = startServer(server, tag + "-" + server);
        GenProc g = null;
        try {
            List<String> genArgs = new ArrayList<>(List.of(fanoutArgs("127.0.0.1:" + s.port, clients,
                    Long.toString(s.pid))));
            genArgs.addAll(parserArgs(server));
            g = startGen(tag + "-" + server, genArgs.toArray(String[]::new));
            g.await("ready", 90);
            JsonNode r = g.await("result", fanoutBound(clients));
            return fanoutMetrics(r);
        } finally {
            if (g != null) {
                g.stop();
            }
            s.stop();
        }
    }

    private static Map<String, Double> fanoutMetrics(JsonNode r) {
        Map<String, Double> m = new LinkedHashMap<>();
        JsonNode max = r.path("max");
        JsonNode fixed = r.path("fixed");
        m.put("clients", r.path("members").asDouble());
        m.put("connects_per_s", r.path("connect").path("connects_per_s").asDouble());
        if (!max.isMissingNode()) { // absent with --measure-s 0: no closed loop ran
            m.put("deliveries_per_s", max.path("deliveries_per_s").asDouble());
            m.put("p50_ms_at_max", max.path("p50_ms").asDouble());
            m.put("p99_ms_at_max", max.path("p99_ms").asDouble());
            m.put("server_cpu_us_per_delivery", max.path("server_cpu_us_per_op").asDouble());
            m.put("server_cpu_util", max.path("server_cpu_util").asDouble());
            m.put("gen_cpu_util", max.path("gen_cpu_util").asDouble());
            m.put("gen_cpu_us_per_delivery", max.path("gen_cpu_us_per_op").asDouble());
            if (max.has("redis_cpu_s")) {
                m.put("redis_cpu_us_per_delivery", max.path("redis_cpu_us_per_op").asDouble());
                m.put("redis_cpu_util", max.path("redis_cpu_util").asDouble());
            }
        }
        if (!fixed.isMissingNode()) {
            m.put("fixed_deliveries_per_s", fixed.path("deliveries_per_s").asDouble());
            m.put("fixed_p50_ms", fixed.path("p50_ms").asDouble());
            m.put("fixed_p99_ms", fixed.path("p99_ms").asDouble());
            m.put("fixed_p999_ms", fixed.path("p999_ms").asDouble());
            m.put("fixed_server_cpu_us_per_delivery", fixed.path("server_cpu_us_per_op").asDouble());
            if (fixed.has("redis_cpu_s")) {
                m.put("fixed_redis_cpu_us_per_delivery", fixed.path("redis_cpu_us_per_op").asDouble());
            }
        }
        m.put("dropped", r.path("dropped").asDouble());
        m.put("mismatches", r.path("mismatches").asDouble());
        return m;
    }

    private Map<String, Double> echo(String server, int clients, int run) throws Exception {
        String tag = "echo-r" + run + "-" + server;
        ServerProc s = startServer(server, tag);
        GenProc g = null;
        try {
            long bound = (long) (60 + warmup() + measure() + 20);
            List<String> genArgs = new ArrayList<>(List.of("--mode", "echo", "--urls", "127.0.0.1:" + s.port,
                    "--clients", Integer.toString(clients), "--src", nextSources(), "--threads", "2",
                    "--server-pids", Long.toString(s.pid), "--warmup-s", Double.toString(warmup()),
                    "--measure-s", Double.toString(measure()), "--payload", "64", "--max-s", Long.toString(bound)));
            genArgs.addAll(parserArgs(server));
            g = startGen(tag, genArgs.toArray(String[]::new));
            g.await("ready", 60);
            JsonNode r = g.await("result", bound);
            JsonNode e = r.path("echo");
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("clients", r.path("clients").asDouble());
            m.put("acks_per_s", e.path("acks_per_s").asDouble());
            m.put("p50_ms", e.path("p50_ms").asDouble());
            m.put("p99_ms", e.path("p99_ms").asDouble());
            m.put("p999_ms", e.path("p999_ms").asDouble());
            m.put("server_cpu_us_per_ack", e.path("server_cpu_us_per_op").asDouble());
            m.put("server_cpu_util", e.path("server_cpu_util").asDouble());
            m.put("gen_cpu_util", e.path("gen_cpu_util").asDouble());
            m.put("mismatches", r.path("mismatches").asDouble());
            return m;
        } finally {
            if (g != null) {
                g.stop();
            }
            s.stop();
        }
    }

    // ------------------------------------------------------------------ cluster

    /** True when the Switchboard jar holds the Redis adapter package. */
    private boolean hasRedisAdapter() {
        try (ZipFile zip = new ZipFile(sbJar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("io/switchboard/adapter/redis/")
                    && e.getName().endsWith(".class"));
        } catch (IOException e) {
            return false;
        }
    }

    private void cluster() throws Exception {
        String name = "cluster-fanout";
        String redisBin = redisBinary(name);
        if (redisBin == null) {
            return;
        }
        int clients = n(1_000, 100);
        BenchRedis redis = BenchRedis.single(redisBin, logs);
        try {
            log("== " + name + ": " + runs + " run(s) of single node vs two nodes over Redis, " + clients
                    + " clients");
            for (int run = 1; run <= runs; run++) {
                for (String variant : List.of("single", "cluster")) {
                    String label = "switchboard-" + variant;
                    if (!clusterRun(name, label, run, clients, variant.equals("single") ? null : redis, false)) {
                        return;
                    }
                }
            }
        } finally {
            redis.stop();
        }
    }

    /**
     * The cross-node fan-out of {@code cluster-fanout} on a Redis Cluster of its own (3 masters by default,
     * {@code --rc-masters}, {@code --rc-replicas}) against one Redis, in classic and sharded mode
     * ({@code --rc-modes classic,sharded}), interleaved. Labels: {@code switchboard-redis[-sharded]} (one Redis),
     * {@code switchboard-rc[-sharded]} (the Redis Cluster).
     */
    private void clusterOnRedisCluster() throws Exception {
        String name = "cluster-fanout-rc";
        String redisBin = redisBinary(name);
        if (redisBin == null) {
            return;
        }
        String redisCli = System.getProperty("bench.redisCli", "redis-cli");
        if (Procs.capture(List.of(redisCli, "--version")).isEmpty()) {
            skip(name, "no redis-cli binary");
            return;
        }
        int clients = n(1_000, 100);
        int masters = args.integer("rc-masters", 3);
        int replicas = args.integer("rc-replicas", 0);
        List<String> modes = List.of(args.str("rc-modes", "classic,sharded").split(","));
        BenchRedis single = null;
        BenchRedis rc = null;
        try {
            single = BenchRedis.single(redisBin, logs);
            rc = BenchRedis.cluster(redisBin, redisCli, masters, replicas, logs,
                    home.resolve("target/redis-cluster-" + ProcessHandle.current().pid()));
            log("== " + name + ": " + runs + " run(s) of two nodes over one Redis vs a Redis Cluster of " + masters
                    + " masters x " + (1 + replicas) + ", modes " + modes + ", " + clients + " clients");
            for (int run = 1; run <= runs; run++) {
                for (String mode : modes) {
                    boolean sharded = mode.equals("sharded");
                    String suffix = sharded ? "-sharded" : "";
                    if (!clusterRun(name, "switchboard-redis" + suffix, run, clients, single, sharded)
                            || !clusterRun(name, "switchboard-rc" + suffix, run, clients, rc, sharded)) {
                        return;
                    }
                }
            }
        } finally {
            if (rc != null) {
                rc.stop();
            }
            if (single != null) {
                single.stop();
            }
        }
    }

    /** The redis-server binary, or null after skipping the scenario when there is no adapter or no binary. */
    private String redisBinary(String scenario) {
        if (!hasRedisAdapter()) {
            skip(scenario, "no redis adapter");
            return null;
        }
        String redisBin = System.getProperty("bench.redis", "redis-server");
        if (Procs.capture(List.of(redisBin, "--version")).isEmpty()) {
            skip(scenario, "no redis-server binary");
            return null;
        }
        return redisBin;
    }

    /**
     * One run of the cross-node fan-out: a single node with no adapter ({@code redis} null), or two nodes on that
     * Redis, each with half the cores; the run's CPU is the nodes' plus Redis's (all its processes), Redis's also
     * on its own. False when the adapter cannot be built (the scenario is then skipped).
     */
    private boolean clusterRun(String name, String label, int run, int clients, BenchRedis redis, boolean sharded)
            throws Exception {
        log("-- " + name + " / " + label + " / run " + run);
        List<ServerProc> nodes = new ArrayList<>();
        GenProc g = null;
        try {
            String tag = name + "-r" + run + "-" + label;
            if (redis == null) {
                nodes.add(startServer("switchboard", tag + "-a"));
            } else {
                // two nodes sharing this machine get half its cores each, as two containers limited to them
                // would: their default event loop, GC and compiler thread counts follow
                List<String> share = List.of("-XX:ActiveProcessorCount="
                        + Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
                List<String> extra = new ArrayList<>(List.of("--redis", redis.uri()));
                if (sharded) {
                    extra.add("--redis-sharded");
                }
                nodes.add(startServer("switchboard", tag + "-a", share, extra.toArray(String[]::new)));
                nodes.add(startServer("switchboard", tag + "-b", share, extra.toArray(String[]::new)));
            }
            StringBuilder urls = new StringBuilder();
            List<Long> pids = new ArrayList<>();
            for (ServerProc p : nodes) {
                urls.append(urls.length() == 0 ? "" : ",").append("127.0.0.1:").append(p.port);
                pids.add(p.pid);
            }
            List<String> genArgs = new ArrayList<>(List.of(fanoutArgs(urls.toString(), clients, "")));
            if (redis != null) {
                pids.addAll(redis.pids()); // the cluster's CPU includes Redis's
                genArgs.addAll(List.of("--redis-pids", join(redis.pids())));
            }
            genArgs.set(genArgs.indexOf("--server-pids") + 1, join(pids));
            g = startGen(tag, genArgs.toArray(String[]::new));
            g.await("ready", 90);
            long publish0 = redis == null ? 0 : redis.calls("publish");
            long spublish0 = redis == null ? 0 : redis.calls("spublish");
            Map<String, Double> m = fanoutMetrics(g.await("result", fanoutBound(clients)));
            if (redis != null) {
                // over the measured phases and the warm-up: which mode this run really used
                m.put("redis_publish_calls", (double) (redis.calls("publish") - publish0));
                m.put("redis_spublish_calls", (double) (redis.calls("spublish") - spublish0));
            }
            record(name, label, run, m);
        } catch (Exception e) {
            recordError(name, label, run, e);
            if (redis != null && e.getMessage() != null && e.getMessage().contains("RedisAdapterPlug")) {
                skip(name, "redis adapter present but not wired into the bench: "
                        + e.getMessage().lines().filter(l -> l.contains("RedisAdapterPlug"))
                        .findFirst().orElse(""));
                return false;
            }
        } finally {
            if (g != null) {
                g.stop();
            }
            for (ServerProc p : nodes) {
                p.stop();
            }
        }
        Thread.sleep(smoke ? 300 : 1000);
        return true;
    }

    private static String join(List<Long> pids) {
        return pids.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    private void skip(String scenario, String reason) {
        skipped.put(scenario, reason);
        log(scenario + " skipped: " + reason);
    }

    // ------------------------------------------------------------------ report

    static double median(List<Double> values) {
        List<Double> v = values.stream().filter(d -> d != null && !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** scenario -> server -> metric -> median. */
    private Map<String, Map<String, Map<String, Double>>> medians() {
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        results.forEach((scenario, byServer) -> byServer.forEach((server, list) -> {
            Map<String, List<Double>> values = new LinkedHashMap<>();
            for (Map<String, Double> m : list) {
                m.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            Map<String, Double> med = new LinkedHashMap<>();
            values.forEach((k, v) -> med.put(k, median(v)));
            out.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(server, med);
        }));
        return out;
    }

    /** {@code num}'s median over {@code den}'s, bounded; with {@code den} null, {@code num}'s median itself. */
    private record Target(String what, String scenario, String metric, String num, String den, double bound,
                          boolean atMost) {
    }

    private static final List<Target> TARGETS = List.of(
        new Target("idle memory per connection (RSS)", "idle-10k", "rss_per_conn_kb", "switchboard", "node", 0.6,
                true),
        new Target("idle memory per connection (RSS)", "idle-20k", "rss_per_conn_kb", "switchboard", "node", 0.6,
                true),
        new Target("idle RSS per connection, packaged server as the README starts it", "idle-20k", "rss_per_conn_kb",
                "switchboard-packaged", "node", 0.5, true),
        new Target("idle RSS per connection, library with the JVM's defaults", "idle-20k", "rss_per_conn_kb",
                "switchboard-defaults", "node", 0.7, true),
        new Target("idle RSS per connection, same JVM options as raw Netty", "idle-20k", "rss_per_conn_kb",
                "switchboard", "raw", 1.5, true),
        new Target("idle RSS per connection, 5 rooms each, recovery on, library with the JVM's defaults", IDLE_ROOMS,
                "rss_per_conn_kb", "switchboard-defaults", "node", 0.7, true),
        new Target("idle RSS per connection, 5 rooms each, recovery on, packaged server as the README starts it",
                IDLE_ROOMS, "rss_per_conn_kb", "switchboard-packaged", "node", 0.5, true),
        new Target("idle RSS per connection, 5 rooms each, recovery on, packaged server vs Node announcing joins too",
                IDLE_ROOMS, "rss_per_conn_kb", "switchboard-packaged", "node-announcing", 0.5, true),
        new Target("idle RSS per connection, 5 rooms each, recovery on, same JVM options as raw Netty", IDLE_ROOMS,
                "rss_per_conn_kb", "switchboard", "raw", 1.5, true),
        new Target("idle RSS per polling client, packaged server as the README starts it", IDLE_POLLING,
                "rss_per_conn_kb", "switchboard-packaged", "node", 0.5, true),
        new Target("idle RSS per polling client, library with the JVM's defaults", IDLE_POLLING, "rss_per_conn_kb",
                "switchboard-defaults", "node", 0.7, true),
        new Target("idle live heap per connection (KiB), packaged server", "idle-20k", "heap_live_per_conn_kb",
                "switchboard-packaged", null, 2.0, true),
        new Target("idle live heap per connection (KiB), library", "idle-20k", "heap_live_per_conn_kb",
                "switchboard", null, 2.0, true),
        new Target("fan-out CPU per delivery at the fixed rate, JVM defaults", "fanout-5k",
                "fixed_server_cpu_us_per_delivery", "switchboard-defaults", "node", 0.8, true),
        new Target("fan-out CPU per delivery at the fixed rate, JVM defaults", "fanout-1k",
                "fixed_server_cpu_us_per_delivery", "switchboard-defaults", "node", 0.6, true),
        new Target("server CPU per delivery", "fanout-1k", "server_cpu_us_per_delivery", "switchboard", "node", 0.5,
                true),
        new Target("server CPU per delivery", "fanout-5k", "server_cpu_us_per_delivery", "switchboard", "node", 0.5,
                true),
        new Target("server CPU per delivery vs raw Netty", "fanout-1k", "server_cpu_us_per_delivery", "switchboard",
                "raw", 1.0, true),
        new Target("server CPU per delivery vs raw Netty", "fanout-5k", "server_cpu_us_per_delivery", "switchboard",
                "raw", 1.0, true),
        new Target("max fan-out deliveries/s", "fanout-1k", "deliveries_per_s", "switchboard", "node", 1.3, false),
        new Target("max fan-out deliveries/s", "fanout-5k", "deliveries_per_s", "switchboard", "node", 1.3, false),
        new Target("acked echo throughput", "echo", "acks_per_s", "switchboard", "node", 1.5, false),
        new Target("acked echo p99 (no worse)", "echo", "p99_ms", "switchboard", "node", 1.0, true),
        new Target("cross-node fan-out vs single node", "cluster-fanout", "deliveries_per_s", "switchboard-cluster",
                "switchboard-single", 0.8, false));

    /**
     * Writes latest.md again, beside the given latest.json, from the runs it holds: for a report whose layout changed
     * after the measurement, without measuring again.
     */
    private static void render(Path json) throws IOException {
        JsonNode doc = JSON.readTree(json.toFile());
        JsonNode meta = doc.path("meta");
        List<String> argv = new ArrayList<>(List.of("--runs", meta.path("runs").asText(), "--server-jvm-opts",
                meta.path("server_jvm_opts").asText(), "--out", json.toAbsolutePath().getParent().toString()));
        if (meta.path("smoke").asBoolean()) {
            argv.add("--smoke");
        }
        Bench bench = new Bench(new Args(argv.toArray(String[]::new), "smoke", "jfr"));
        for (JsonNode line : doc.path("results")) {
            String scenario = line.path("scenario").asText();
            String server = line.path("server").asText();
            if (line.path("status").asText().equals("skipped")) {
                bench.skipped.put(scenario, line.path("reason").asText());
                continue;
            }
            for (JsonNode error : line.path("errors")) {
                bench.errors.computeIfAbsent(scenario, k -> new LinkedHashMap<>())
                        .computeIfAbsent(server, k -> new ArrayList<>()).add(error.asText());
            }
            List<Map<String, Double>> runs = new ArrayList<>();
            line.path("values").fields().forEachRemaining(metric -> {
                for (int i = 0; i < metric.getValue().size(); i++) {
                    while (runs.size() <= i) {
                        runs.add(new LinkedHashMap<>());
                    }
                    runs.get(i).put(metric.getKey(), metric.getValue().get(i).asDouble());
                }
            });
            if (!runs.isEmpty()) {
                bench.results.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(server, runs);
            }
        }
        String md = bench.markdown(bench.medians(), (ArrayNode) doc.path("ratios"), meta);
        Files.writeString(bench.out.resolve("latest.md"), md);
        System.out.println(md);
    }

    private void report(double seconds) throws IOException {
        Map<String, Map<String, Map<String, Double>>> med = medians();
        ObjectNode doc = JSON.createObjectNode();
        doc.set("meta", meta(seconds));
        ArrayNode lines = JSON.createArrayNode();

        // one JSON line per result: a scenario x server with its medians and every run's values
        for (var scenario : results.entrySet()) {
            for (var server : scenario.getValue().entrySet()) {
                ObjectNode line = JSON.createObjectNode();
                line.put("type", "result").put("scenario", scenario.getKey()).put("server", server.getKey());
                line.put("runs", server.getValue().size());
                line.set("median", JSON.valueToTree(med.get(scenario.getKey()).get(server.getKey())));
                Map<String, List<Double>> all = new LinkedHashMap<>();
                for (Map<String, Double> m : server.getValue()) {
                    m.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                }
                line.set("values", JSON.valueToTree(all));
                List<String> errs = errors.getOrDefault(scenario.getKey(), Map.of()).get(server.getKey());
                if (errs != null) {
                    line.set("errors", JSON.valueToTree(errs));
                }
                lines.add(line);
            }
        }
        errors.forEach((scenario, byServer) -> byServer.forEach((server, errs) -> {
            if (!results.getOrDefault(scenario, Map.of()).containsKey(server)) {
                ObjectNode line = JSON.createObjectNode().put("type", "result").put("scenario", scenario)
                        .put("server", server).put("status", "failed");
                line.set("errors", JSON.valueToTree(errs));
                lines.add(line);
            }
        }));
        skipped.forEach((scenario, reason) -> lines.add(JSON.createObjectNode().put("type", "result")
                .put("scenario", scenario).put("status", "skipped").put("reason", reason)));

        ArrayNode ratios = JSON.createArrayNode();
        for (Target t : TARGETS) {
            ObjectNode r = JSON.createObjectNode().put("type", "ratio").put("target", t.what)
                    .put("scenario", t.scenario).put("metric", t.metric)
                    .put("ratio_of", t.den == null ? t.num + " (absolute)" : t.num + "/" + t.den)
                    .put("target_ratio", (t.atMost ? "<= " : ">= ") + t.bound);
            Map<String, Map<String, Double>> s = med.get(t.scenario);
            Double a = s == null || s.get(t.num) == null ? null : s.get(t.num).get(t.metric);
            // a target without a reference server bounds the value itself
            Double b = t.den == null ? Double.valueOf(1.0)
                    : s == null || s.get(t.den) == null ? null : s.get(t.den).get(t.metric);
            if (a == null || b == null || a.isNaN() || b.isNaN() || b == 0) {
                r.put("status", skipped.containsKey(t.scenario) ? "skipped: " + skipped.get(t.scenario)
                        : "not measured");
            } else {
                double ratio = a / b;
                r.put("value", a).put("reference", b).put("ratio", round(ratio, 3));
                r.put("status", (t.atMost ? ratio <= t.bound : ratio >= t.bound) ? "met" : "not met");
            }
            ratios.add(r);
        }
        for (JsonNode l : lines) {
            System.out.println(l);
        }
        for (JsonNode r : ratios) {
            System.out.println(r);
        }
        for (JsonNode r : redisClusterRatios(med)) {
            System.out.println(r);
        }
        ArrayNode parserRatios = ParserRatios.of(med);
        for (JsonNode r : parserRatios) {
            System.out.println(r);
        }
        doc.set("results", lines);
        doc.set("ratios", ratios);
        if (!parserRatios.isEmpty()) {
            doc.set("parser_ratios", parserRatios);
        }
        Files.createDirectories(out);
        JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("latest.json").toFile(), doc);
        String md = markdown(med, ratios, doc.get("meta"));
        Files.writeString(out.resolve("latest.md"), md);
        System.out.println();
        System.out.println(md);
        log("wrote " + out.resolve("latest.json") + " and " + out.resolve("latest.md"));
    }

    private ObjectNode meta(double seconds) {
        ObjectNode m = JSON.createObjectNode();
        m.put("date", Instant.now().toString());
        m.put("duration_s", round(seconds, 1));
        m.put("smoke", smoke);
        m.put("runs", runs);
        m.put("servers", String.join(",", servers));
        m.put("switchboard_jar", sbJar.toString());
        m.put("switchboard_commit", System.getProperty("bench.commit", "?"));
        m.put("server_jvm_opts", serverJvmOpts);
        m.put("generator_jvm_opts", genJvmOpts);
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("node", Procs.capture(List.of(System.getProperty("bench.node", "node"), "--version")));
        m.put("socket_io", nodeVersion("socket.io"));
        if (servers.stream().anyMatch(s -> s.endsWith(MSGPACK_SUFFIX))) {
            m.put("socket_io_msgpack_parser", nodeVersion("socket.io-msgpack-parser"));
        }
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("kernel", Procs.capture(List.of("uname", "-r")));
        m.put("window", window());
        m.put("warmup_s", warmup());
        m.put("measure_s", measure());
        m.put("fixed_rate_deliveries_per_s", fixedRate());
        m.put("fixed_s", fixedSeconds());
        m.put("fixed_settle_s", fixedSettle());
        m.put("note", System.getProperty("bench.note", ""));
        return m;
    }

    private String nodeVersion(String pkg) {
        try {
            return JSON.readTree(home.resolve("node-server/node_modules/" + pkg + "/package.json").toFile())
                    .path("version").asText();
        } catch (IOException e) {
            return "?";
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Columns shown per scenario kind: metric key -> header. */
    private static Map<String, String> columns(String scenario) {
        Map<String, String> c = new LinkedHashMap<>();
        if (scenario.startsWith("idle")) {
            c.put("clients", "connected");
            c.put("connects_per_s", "connects/s");
            c.put("rss_per_conn_kb", "RSS/conn KiB");
            c.put("rss_after_gc_per_conn_kb", "RSS/conn after GC KiB");
            c.put("heap_live_per_conn_kb", "live heap/conn KiB");
            c.put("rss_mb", "RSS MiB");
            c.put("rss_base_mb", "base RSS MiB");
            if (scenario.equals("idle-20k")) {
                c.put("extrapolated_100k_rss_mb", "100k extrapolated RSS MiB");
            }
        } else if (scenario.equals("echo")) {
            c.put("clients", "clients");
            c.put("acks_per_s", "acks/s");
            c.put("p50_ms", "p50 ms");
            c.put("p99_ms", "p99 ms");
            c.put("server_cpu_us_per_ack", "server CPU µs/ack");
            c.put("server_cpu_util", "server CPU (cores)");
            c.put("gen_cpu_util", "gen CPU (cores)");
        } else {
            c.put("clients", "clients");
            c.put("deliveries_per_s", "max deliveries/s");
            c.put("p50_ms_at_max", "p50 ms @max");
            c.put("p99_ms_at_max", "p99 ms @max");
            c.put("server_cpu_us_per_delivery", "server CPU µs/delivery @max");
            c.put("server_cpu_util", "server CPU (cores) @max");
            c.put("gen_cpu_util", "gen CPU (cores) @max");
            c.put("fixed_p50_ms", "p50 ms @fixed");
            c.put("fixed_p99_ms", "p99 ms @fixed");
            c.put("fixed_server_cpu_us_per_delivery", "server CPU µs/delivery @fixed");
            if (scenario.startsWith("cluster")) {
                c.put("redis_cpu_us_per_delivery", "of it Redis µs/delivery @max");
                c.put("redis_cpu_util", "Redis CPU (cores) @max");
                c.put("fixed_redis_cpu_us_per_delivery", "of it Redis µs/delivery @fixed");
            }
        }
        return c;
    }

    /**
     * Whether the generator is the limit: for each closed-loop scenario, the fastest server's rate and what the
     * generator and that server used of the machine there. A generator that is not the limit has a core's worth of
     * headroom of its own; when generator and server together use every core, the maximum is the machine's.
     */
    private static String generatorCheck(Map<String, Map<String, Map<String, Double>>> med) {
        StringBuilder md = new StringBuilder();
        int cores = Runtime.getRuntime().availableProcessors();
        for (String[] c : new String[][] {{"fanout-1k", "deliveries_per_s"}, {"fanout-5k", "deliveries_per_s"},
            {"echo", "acks_per_s"}}) {
            Map<String, Map<String, Double>> s = med.get(c[0]);
            if (s == null || s.isEmpty()) {
                continue;
            }
            Map.Entry<String, Map<String, Double>> fastest = s.entrySet().stream()
                    .filter(e -> !Double.isNaN(e.getValue().getOrDefault(c[1], Double.NaN)))
                    .max(java.util.Comparator.comparingDouble(e -> e.getValue().get(c[1]))).orElse(null);
            if (fastest == null) {
                continue;
            }
            double rate = fastest.getValue().get(c[1]);
            double gen = fastest.getValue().getOrDefault("gen_cpu_util", Double.NaN);
            double server = fastest.getValue().getOrDefault("server_cpu_util", Double.NaN);
            md.append("\n- ").append(c[0]).append(": the fastest server (").append(fastest.getKey()).append(") at ")
                    .append(fmt(rate)).append(' ').append(c[1].replace("_per_s", "/s")).append("; the generator used ")
                    .append(fmt(gen)).append(" cores there (").append(fmt(gen / rate * 1e6))
                    .append(" µs per message), the server ").append(fmt(server)).append(": together ")
                    .append(fmt(gen + server)).append(" of ").append(cores).append(" cores");
        }
        return md.length() == 0 ? "" : "\n## Generator headroom\n" + md + "\n";
    }

    /** The metrics cluster-fanout-rc compares, Redis Cluster over one Redis: key -> what. */
    private static final Map<String, String> RC_METRICS = new LinkedHashMap<>();

    static {
        RC_METRICS.put("deliveries_per_s", "max deliveries/s");
        RC_METRICS.put("p50_ms_at_max", "p50 ms @max");
        RC_METRICS.put("p99_ms_at_max", "p99 ms @max");
        RC_METRICS.put("server_cpu_us_per_delivery", "CPU µs/delivery @max (nodes + Redis)");
        RC_METRICS.put("redis_cpu_us_per_delivery", "Redis CPU µs/delivery @max");
        RC_METRICS.put("fixed_p50_ms", "p50 ms @fixed");
        RC_METRICS.put("fixed_p99_ms", "p99 ms @fixed");
        RC_METRICS.put("fixed_server_cpu_us_per_delivery", "CPU µs/delivery @fixed (nodes + Redis)");
        RC_METRICS.put("fixed_redis_cpu_us_per_delivery", "Redis CPU µs/delivery @fixed");
    }

    /**
     * cluster-fanout-rc's ratios, one per mode and metric: the Redis Cluster's median over one Redis's, in the
     * same mode (and sharded over classic on the Redis Cluster).
     */
    private static ArrayNode redisClusterRatios(Map<String, Map<String, Map<String, Double>>> med) {
        ArrayNode out = JSON.createArrayNode();
        Map<String, Map<String, Double>> s = med.get("cluster-fanout-rc");
        if (s == null) {
            return out;
        }
        String[][] pairs = {{"switchboard-rc", "switchboard-redis"},
            {"switchboard-rc-sharded", "switchboard-redis-sharded"}, {"switchboard-rc-sharded", "switchboard-rc"}};
        for (String[] pair : pairs) {
            Map<String, Double> num = s.get(pair[0]);
            Map<String, Double> den = s.get(pair[1]);
            if (num == null || den == null) {
                continue;
            }
            RC_METRICS.forEach((metric, what) -> {
                Double a = num.get(metric);
                Double b = den.get(metric);
                if (a != null && b != null && !a.isNaN() && !b.isNaN() && b != 0) {
                    out.add(JSON.createObjectNode().put("type", "comparison").put("scenario", "cluster-fanout-rc")
                            .put("metric", metric).put("what", what).put("ratio_of", pair[0] + "/" + pair[1])
                            .put("value", a).put("reference", b).put("ratio", round(a / b, 3)));
                }
            });
        }
        return out;
    }

    private static String redisClusterSection(Map<String, Map<String, Map<String, Double>>> med) {
        ArrayNode rows = redisClusterRatios(med);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## Redis Cluster vs one Redis (cluster-fanout-rc)\n\n")
                .append("| ratio of | metric | value | reference | ratio |\n|---|---|---:|---:|---:|\n");
        for (JsonNode r : rows) {
            md.append("| ").append(r.path("ratio_of").asText()).append(" | ").append(r.path("what").asText())
                    .append(" | ").append(fmt(r.path("value").asDouble())).append(" | ")
                    .append(fmt(r.path("reference").asDouble())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", r.path("ratio").asDouble())).append(" |\n");
        }
        return md.toString();
    }

    private String markdown(Map<String, Map<String, Map<String, Double>>> med, ArrayNode ratios, JsonNode meta) {
        StringBuilder md = new StringBuilder();
        md.append("# Switchboard benchmark results\n\n");
        md.append("Medians of ").append(runs).append(" interleaved run(s) per server. ")
                .append(meta.path("date").asText()).append(", ").append(meta.path("cpus").asInt())
                .append(" CPUs, kernel ").append(meta.path("kernel").asText()).append(", ")
                .append(meta.path("java").asText()).append(", node ").append(meta.path("node").asText())
                .append(", socket.io ").append(meta.path("socket_io").asText())
                .append(meta.has("socket_io_msgpack_parser")
                        ? ", socket.io-msgpack-parser " + meta.path("socket_io_msgpack_parser").asText() : "")
                .append(", Switchboard ")
                .append(meta.path("switchboard_commit").asText()).append(". Server JVM options: `")
                .append(serverJvmOpts).append('`')
                .append(servers.contains("switchboard-defaults") || servers.contains("switchboard-packaged")
                        ? " (switchboard-defaults and switchboard-packaged: none, the JVM's defaults)" : "")
                .append(". Total ").append(meta.path("duration_s").asDouble())
                .append(" s").append(smoke ? " (SMOKE run: small counts, short phases, not a measurement)" : "")
                .append(".\n");
        String note = meta.path("note").asText();
        if (!note.isBlank()) {
            md.append("\n> ").append(note).append("\n");
        }
        for (var scenario : med.entrySet()) {
            Map<String, String> cols = columns(scenario.getKey());
            md.append("\n## ").append(scenario.getKey()).append("\n\n| server |");
            cols.values().forEach(h -> md.append(' ').append(h).append(" |"));
            md.append("\n|---|");
            cols.values().forEach(h -> md.append("---:|"));
            md.append('\n');
            for (var server : scenario.getValue().entrySet()) {
                md.append("| ").append(server.getKey()).append(" |");
                for (String k : cols.keySet()) {
                    md.append(' ').append(fmt(server.getValue().get(k))).append(" |");
                }
                md.append('\n');
            }
            Map<String, List<String>> errs = errors.get(scenario.getKey());
            if (errs != null) {
                errs.forEach((server, list) -> list.forEach(e -> md.append("\n- ").append(server)
                        .append(" failed ").append(e.replace('\n', ' '))));
                md.append('\n');
            }
        }
        errors.forEach((scenario, byServer) -> {
            if (!med.containsKey(scenario)) {
                md.append("\n## ").append(scenario).append("\n");
                byServer.forEach((server, list) -> list.forEach(e -> md.append("\n- ").append(server)
                        .append(" failed ").append(e.replace('\n', ' '))));
                md.append('\n');
            }
        });
        skipped.forEach((scenario, reason) -> md.append("\n## ").append(scenario).append("\n\nskipped: ")
                .append(reason).append("\n"));
        md.append(generatorCheck(med));
        md.append(redisClusterSection(med));
        md.append(ParserRatios.section(med));
        md.append("\n## Targets (Switchboard vs Node unless said)\n\n| target | scenario | ratio | target | status |\n")
                .append("|---|---|---:|---:|---|\n");
        for (JsonNode r : ratios) {
            md.append("| ").append(r.path("target").asText()).append(" (`").append(r.path("metric").asText())
                    .append("`, ").append(r.path("ratio_of").asText()).append(") | ")
                    .append(r.path("scenario").asText()).append(" | ")
                    .append(r.has("ratio") ? String.format(Locale.ROOT, "%.2f", r.path("ratio").asDouble()) : "-")
                    .append(" | ").append(r.path("target_ratio").asText()).append(" | ")
                    .append(r.path("status").asText()).append(" |\n");
        }
        return md.toString();
    }
}
