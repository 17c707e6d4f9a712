package io.switchboard.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.switchboard.core.memory.HeapReturn;
import picocli.CommandLine;

/**
 * The packaged server's command line: {@code serve} (the default), {@code token}, {@code check-config},
 * {@code --version} and {@code --help}. Without a configuration file it runs one node with the embedded defaults:
 * in-memory adapter, port 3000, CORS open, and the public development JWT secret (with a loud warning). Stops
 * cleanly on SIGTERM and SIGINT.
 */
public final class Main {
    private static final Set<String> TOP_LEVEL = Set.of("serve", "token", "check-config", "help", "-h", "--help",
            "-V", "--version");

    private Main() {
    }

    public static void main(String[] args) {
        ServerLogging.useBundledConfiguration(); // first: nothing may have logged yet
        Result result = run(args, System.getenv(), System.out, System.err);
        if (result.server() == null) {
            System.exit(result.exitCode());
        }
        SwitchboardServer server = result.server();
        // this process is the node: it may pause once after a burst to give all of it back (tests embed
        // SwitchboardServer and get the library's concurrent cycle only)
        HeapReturn.acquireCompacting();
        installDrainOnSignals(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            org.slf4j.LoggerFactory.getLogger(Main.class).info("stopping");
            server.close();
            org.slf4j.LoggerFactory.getLogger(Main.class).info("stopped");
        }, "switchboard-shutdown"));
        // the Netty event loops keep the process alive until it is stopped
    }

    /**
     * SIGTERM and SIGINT drain the server (see {@link SwitchboardServer#drainAndClose()}) and exit 0; a watchdog
     * halts the process with 0 once drain.deadline has passed, whatever still hangs. Without signal support (not a
     * HotSpot-like JVM) the shutdown hook alone stops the server.
     */
    private static void installDrainOnSignals(SwitchboardServer server) {
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            server.drain().startWatchdog(0);
            Thread drainer = new Thread(() -> {
                org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
                log.info("SIG{}: draining (deadline {} ms)", signal.getName(), server.drain().deadlineMillis());
                try {
                    server.drainAndClose();
                } catch (RuntimeException e) {
                    log.warn("drain failed", e);
                }
                log.info("drained");
                System.exit(0);
            }, "switchboard-drain");
            drainer.start();
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                org.slf4j.LoggerFactory.getLogger(Main.class).debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
    }

    /** What a run of the command line did: its exit code, and the server if {@code serve} started one. */
    public record Result(int exitCode, SwitchboardServer server) {
    }

    /** Runs the command line with these environment variables and streams (for tests: nothing exits). */
    public static Result run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String[] effective = args;
        if (args.length == 0 || !TOP_LEVEL.contains(args[0])) {
            effective = new String[args.length + 1];
            effective[0] = "serve";
            System.arraycopy(args, 0, effective, 1, args.length);
        }
        Commands.Context context = new Commands.Context(env);
        CommandLine commandLine = Commands.commandLine(context);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int code = commandLine.execute(effective);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return new Result(code, code == 0 ? context.started() : null);
    }

    /** The version of the build: the jar manifest's, else Maven's properties, else "dev". */
    public static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = Main.class.getResourceAsStream(
                "/META-INF/maven/io.switchboard/switchboard/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // falls through
        }
        return "dev";
    }
}
