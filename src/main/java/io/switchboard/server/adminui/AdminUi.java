package io.switchboard.server.adminui;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.Middleware;
import io.switchboard.core.Namespace;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the Socket.IO Admin UI ({@code @socket.io/admin-ui}'s {@code instrument()}) on one node: the
 * admin namespace behind its login, which on each connection sends {@code config} (the supported features: none of
 * the commands when read-only; ALL_EVENTS only in development mode) and in development mode {@code all_sockets} (every
 * socket of the cluster, through fetchSockets); and {@code server_stats} every 2 s from this node to every UI of the
 * cluster. In a cluster every node runs one, on the same namespace: the UI connected to any node then hears every
 * node's stats and events, Node nodes' included.
 */
public final class AdminUi implements AutoCloseable {
    static final long STATS_INTERVAL_MS = 2_000;
    private static final Logger log = LoggerFactory.getLogger(AdminUi.class);
    /** Logins waiting for their bcrypt check beyond the one being checked; more are refused at once. */
    private static final int LOGIN_QUEUE = 32;

    private final Server server;
    private final AdminUiSettings settings;
    private final AdminUiMonitor monitor;
    private final AdminUiSessions sessions;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor checker;
    private final String serverId;
    private final String hostname = AdminUiSettings.hostname();
    private Namespace namespace;

    public AdminUi(Server server, AdminUiSettings settings, AdminUiMonitor monitor, AdminUiSessions sessions) {
        this.server = server;
        this.settings = settings;
        this.monitor = monitor;
        this.sessions = sessions;
        this.serverId = settings.effectiveServerId();
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("switchboard-admin-ui-stats"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.checker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(LOGIN_QUEUE),
                daemon("switchboard-admin-ui-login"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The features the UI is told it may use. */
    List<String> features() {
        List<String> features = new ArrayList<>(settings.readonly() ? List.of() : AdminUiCommands.FEATURES);
        features.add("AGGREGATED_EVENTS");
        if (settings.development()) {
            features.add("ALL_EVENTS");
        }
        return features;
    }

    /**
     * Creates the namespace; {@code guard} wraps the login (the rate limits' CONNECT budgets, so that guessing
     * passwords is cut off as failed authentications are).
     */
    public Namespace install(java.util.function.UnaryOperator<Middleware> guard) {
        namespace = server.of(settings.namespace());
        AdminUiAuthentication login = new AdminUiAuthentication(settings.username(), settings.passwordHash(), sessions,
                checker);
        AdminUiCommands commands = new AdminUiCommands(server);
        List<String> features = features();
        namespace.use(guard.apply(login)).onConnection(socket -> {
            if (!settings.readonly()) {
                commands.register(socket);
            }
            socket.emit("config", Map.of("supportedFeatures", features));
            if (settings.development()) {
                allSockets().whenComplete((all, error) -> {
                    if (error != null) {
                        log.warn("admin UI: could not list the sockets of the cluster: {}", error.toString());
                    } else {
                        socket.emit("all_sockets", all);
                    }
                });
            }
        });
        monitor.admin(namespace);
        timer.scheduleAtFixedRate(this::emitStats, 0, STATS_INTERVAL_MS, TimeUnit.MILLISECONDS);
        log.info("admin UI on namespace {} ({} mode{}), as server {}", settings.namespace(),
                settings.development() ? "development" : "production", settings.readonly() ? ", read-only" : "",
                serverId);
        return namespace;
    }

    private void emitStats() {
        try {
            namespace.emit("server_stats", stats());
        } catch (RuntimeException e) {
            log.warn("admin UI: server_stats failed", e);
        }
    }

    /** This node's {@code server_stats}: what the reference sends, with this node's figures. */
    Map<String, Object> stats() {
        List<Map<String, Object>> namespaces = new ArrayList<>();
        server.namespaces().forEach((name, nsp) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("socketsCount", nsp.localSockets().size());
            namespaces.add(entry);
        });
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("serverId", serverId);
        stats.put("hostname", hostname);
        stats.put("pid", ProcessHandle.current().pid());
        stats.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        stats.put("clientsCount", server.engine().sessionCount());
        stats.put("pollingClientsCount", monitor.pollingClients());
        stats.put("aggregatedEvents", monitor.drainEvents());
        stats.put("namespaces", namespaces);
        return stats;
    }

    /** Every socket of every namespace, on every node. */
    CompletableFuture<List<Map<String, Object>>> allSockets() {
        List<CompletableFuture<List<Map<String, Object>>>> perNamespace = new ArrayList<>();
        server.namespaces().forEach((name, nsp) -> perNamespace.add(nsp.fetchSockets().thenApply(sockets -> {
            List<Map<String, Object>> views = new ArrayList<>();
            for (RemoteSocket socket : sockets) {
                views.add(SocketView.of(socket.id(), name, socket.handshake(), socket.rooms(), socket.data()));
            }
            return views;
        })));
        return CompletableFuture.allOf(perNamespace.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<Map<String, Object>> all = new ArrayList<>();
            perNamespace.forEach(views -> all.addAll(views.join()));
            return all;
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        checker.shutdownNow();
    }
}
