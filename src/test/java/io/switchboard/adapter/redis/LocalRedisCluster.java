package io.switchboard.adapter.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of 3 masters and 3 replicas on loopback ports 31000-31005 (cluster bus 31010-31015), started once
 * per test JVM by the first test that asks and stopped with the JVM. {@code cluster-node-timeout} is 1 s, so that a
 * dead master's replica is promoted within a few seconds.
 */
public final class LocalRedisCluster {
    static final int FIRST_PORT = 31000;
    static final int SIZE = 6;
    private static LocalRedisCluster started;

    private final Path dir;

    private LocalRedisCluster(Path dir) {
        this.dir = dir;
    }

    /** The running cluster, started now if it is not. */
    public static synchronized LocalRedisCluster get() throws Exception {
        if (started == null) {
            LocalRedisCluster cluster = new LocalRedisCluster(LocalRedisServers.dir("cluster"));
            cluster.create();
            started = cluster;
        }
        return started;
    }

    /** The URL of the adapter's form: every node as a seed. */
    /** The running one's URL, started now if it is not; a test cannot go on without it. */
    public static String startedUrl() {
        try {
            return get().url();
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
    }

    public String url() {
        return "redis-cluster://" + ports().stream().map(port -> "127.0.0.1:" + port)
                .collect(Collectors.joining(","));
    }

    static List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            ports.add(FIRST_PORT + i);
        }
        return ports;
    }

    private void create() throws Exception {
        for (int port : ports()) {
            startNode(port);
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports().forEach(port -> command.add("127.0.0.1:" + port));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        LocalRedisServers.run(command);
        awaitHealthy();
    }

    private void startNode(int port) {
        LocalRedisServers.start(port, dir, List.of("--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(port + 10),
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--cluster-node-timeout", "1000",
                // a shard whose master and replica are both gone must not stop the others
                "--cluster-require-full-coverage", "no",
                // a replica restarted a moment ago may be promoted too (the next fault test may kill its master)
                "--cluster-replica-validity-factor", "0"));
    }

    /** Every node running answers cluster_state:ok, and 3 masters serve all slots. */
    void awaitHealthy() {
        LocalRedisServers.await("the Redis Cluster to be healthy", 30, () -> {
            for (int port : ports()) {
                if (LocalRedisServers.answers(port)
                        && !LocalRedisServers.with(port, c -> c.sync().clusterInfo()).contains("cluster_state:ok")) {
                    return false;
                }
            }
            return masterPorts().size() == 3;
        });
    }

    /** The ports of the masters that own slots, as a running node sees them. */
    List<Integer> masterPorts() {
        for (int port : ports()) {
            if (!LocalRedisServers.answers(port)) {
                continue;
            }
            String nodes = LocalRedisServers.with(port, c -> c.sync().clusterNodes());
            List<Integer> masters = new ArrayList<>();
            for (String line : nodes.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")) {
                    masters.add(Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1,
                            fields[1].indexOf('@'))));
                }
            }
            return masters;
        }
        return List.of();
    }

    /** The port of the master that owns the slot of this key (or channel). */
    int masterOf(String key) {
        int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
        for (int port : masterPorts()) {
            String nodes = LocalRedisServers.with(port, c -> c.sync().clusterNodes());
            for (String line : nodes.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields[2].contains("myself")) {
                    for (int i = 8; i < fields.length; i++) {
                        String[] range = fields[i].split("-");
                        int from = Integer.parseInt(range[0]);
                        int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                        if (slot >= from && slot <= to) {
                            return port;
                        }
                    }
                }
            }
        }
        throw new AssertionError("no master owns slot " + slot);
    }

    /** Kills a node's process (SIGKILL): its replica is promoted once the others agree it is dead. */
    void kill(int port) throws InterruptedException {
        LocalRedisServers.kill(port);
    }

    /** Starts a killed node again: it rejoins the cluster (as a replica of whoever took its slots). */
    void restart(int port) {
        startNode(port);
        awaitHealthy();
        LocalRedisServers.await("the restarted node on " + port + " to be in sync with its master", 30,
                () -> LocalRedisServers.with(port, c -> c.sync().info("replication"))
                        .contains("master_link_status:up"));
    }

    /** Waits until the node on the port is no longer a master of the cluster (its replica took over). */
    void awaitPromotionAway(int port) {
        try {
            LocalRedisServers.await("a replica to take over from the master on " + port, 30,
                    () -> !masterPorts().contains(port) && masterPorts().size() == 3);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the cluster as a running node sees it:\n" + view(), e);
        }
    }

    private String view() {
        for (int port : ports()) {
            if (LocalRedisServers.answers(port)) {
                return port + ": " + LocalRedisServers.with(port, c -> c.sync().clusterNodes());
            }
        }
        return "no node answers";
    }
}
