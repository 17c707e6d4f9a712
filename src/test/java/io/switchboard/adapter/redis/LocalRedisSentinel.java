package io.switchboard.adapter.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Redis with Sentinel on loopback: a master on 31020, its replica on 31021 and three sentinels on 31030-31032
 * watching them as {@code sbmaster} ({@code down-after-milliseconds} 1000, so that a dead master is replaced within
 * a few seconds). Started once per test JVM by the first test that asks, stopped with the JVM.
 */
public final class LocalRedisSentinel {
    static final String MASTER = "sbmaster";
    static final List<Integer> DATA_PORTS = List.of(31020, 31021);
    static final List<Integer> SENTINEL_PORTS = List.of(31030, 31031, 31032);
    private static LocalRedisSentinel started;

    private final Path dir;

    private LocalRedisSentinel(Path dir) {
        this.dir = dir;
    }

    public static synchronized LocalRedisSentinel get() throws Exception {
        if (started == null) {
            LocalRedisSentinel sentinel = new LocalRedisSentinel(LocalRedisServers.dir("sentinel"));
            sentinel.create();
            started = sentinel;
        }
        return started;
    }

    /** Lettuce's Sentinel form, which the adapter takes as it is. */
    /** The running one's URL, started now if it is not; a test cannot go on without it. */
    public static String startedUrl() {
        try {
            return get().url();
        } catch (Exception e) {
            throw new AssertionError("the test's Redis could not be started", e);
        }
    }

    public String url() {
        return "redis-sentinel://" + String.join(",", SENTINEL_PORTS.stream().map(p -> "127.0.0.1:" + p).toList())
                + "#" + MASTER;
    }

    private void create() throws Exception {
        LocalRedisServers.start(DATA_PORTS.get(0), dir, List.of());
        startReplica(DATA_PORTS.get(1), DATA_PORTS.get(0));
        for (int port : SENTINEL_PORTS) {
            Path config = dir.resolve("sentinel-" + port + ".conf");
            Files.writeString(config, String.join("\n",
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + DATA_PORTS.get(0) + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 10000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""));
            LocalRedisServers.start(port, dir, List.of(config.toString(), "--sentinel"));
        }
        awaitHealthy();
    }

    private void startReplica(int port, int master) {
        LocalRedisServers.start(port, dir, List.of("--replicaof", "127.0.0.1", Integer.toString(master)));
    }

    /** Every sentinel knows the master, one replica and the two other sentinels: a failover can be agreed. */
    void awaitHealthy() {
        LocalRedisServers.await("the sentinels to know each other and the replica", 30, () -> {
            for (int port : SENTINEL_PORTS) {
                List<String> fields = sentinel(port, "master", MASTER);
                if (!"1".equals(field(fields, "num-slaves")) || !"2".equals(field(fields, "num-other-sentinels"))
                        || !"master".equals(field(fields, "flags"))) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String field(List<String> fields, String name) {
        int at = fields.indexOf(name);
        return at < 0 || at + 1 >= fields.size() ? null : fields.get(at + 1);
    }

    private static List<String> sentinel(int port, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port),
                "sentinel"));
        command.addAll(List.of(arguments));
        try {
            return LocalRedisServers.run(command).lines().map(String::trim).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int masterPortBy(int sentinel) {
        List<String> address = sentinel(sentinel, "get-master-addr-by-name", MASTER);
        return Integer.parseInt(address.get(1));
    }

    /** The port of the current master, as the first sentinel answering tells. */
    int masterPort() {
        for (int port : SENTINEL_PORTS) {
            if (LocalRedisServers.answers(port)) {
                return masterPortBy(port);
            }
        }
        throw new AssertionError("no sentinel answers");
    }

    void kill(int port) throws InterruptedException {
        LocalRedisServers.kill(port);
    }

    /** Waits until every sentinel names another master than the one on the port. */
    void awaitFailoverAway(int port) {
        LocalRedisServers.await("the sentinels to promote the replica of " + port, 30, () -> {
            for (int sentinel : SENTINEL_PORTS) {
                int master = masterPortBy(sentinel);
                if (master == port) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Starts the killed former master again, as the new master's replica (Sentinel would make it one anyway). */
    void restartAsReplica(int port) {
        startReplica(port, masterPort());
        awaitHealthy();
    }
}
