package io.switchboard.adapter.redis;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * The real Redis the adapter tests run against, and a raw connection to it for what the tests do behind the
 * adapter's back: publishing hand-made payloads, counting subscribers, killing connections. Never a mock: without a
 * Redis the tests fail, saying how to provide one.
 */
public final class RedisTestSupport implements AutoCloseable {
    static final String LOCAL_URL = "redis://127.0.0.1:6379";
    private static volatile String url;

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;

    private RedisTestSupport() {
        client = RedisClient.create(RedisURI.create(url()));
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    public static RedisTestSupport open() {
        return new RedisTestSupport();
    }

    /**
     * REDIS_URL (environment or system property), else a Redis on 127.0.0.1:6379, else a redis-server of the tests'
     * own on a free port, else a Redis container when a Docker engine answers, else the test fails saying how to
     * provide one.
     */
    public static String url() {
        if (url != null) {
            return url;
        }
        String configured = System.getenv("REDIS_URL");
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("REDIS_URL");
        }
        boolean explicit = configured != null && !configured.isBlank();
        String candidate = explicit ? configured.trim() : LOCAL_URL;
        String failure = ping(candidate);
        if (failure != null && !explicit) {
            // no Redis on the usual port: start one of the tests' own for the rest of this JVM
            candidate = startOwnRedis();
            failure = ping(candidate);
        }
        if (failure != null) {
            fail("The Redis adapter tests need a real Redis (7.0 or later) and none answered at " + candidate + " ("
                    + failure + "). Set REDIS_URL=redis://host:port, or install redis-server so that the tests "
                    + "can start one (`bash e2e/ensure-test-dependencies` installs and starts it).");
        }
        url = candidate;
        return url;
    }

    /** Null when a Redis answers PING at the URL, else why not. */
    private static String ping(String candidate) {
        RedisClient probe = RedisClient.create(RedisURI.create(candidate));
        try (StatefulRedisConnection<String, String> c = probe.connect()) {
            c.sync().ping();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static String startOwnRedis() {
        if (!redisServerOnPath() && DockerClientFactory.instance().isDockerAvailable()) {
            return startContainer();
        }
        try {
            RedisProcess own = RedisProcess.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    own.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            return own.url();
        } catch (Exception e) {
            return LOCAL_URL;
        }
    }

    private static boolean redisServerOnPath() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "redis-server")));
    }

    /** A Redis in a container, for machines with Docker but no Redis; it lives as long as this JVM. */
    @SuppressWarnings("resource")
    private static String startContainer() {
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                .withExposedPorts(6379);
        redis.start();
        return "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379);
    }

    public RedisCommands<String, byte[]> sync() {
        return connection.sync();
    }

    void publish(String channel, byte[] payload) {
        sync().publish(channel, payload);
    }

    long numsub(String channel) {
        Map<String, Long> counts = sync().pubsubNumsub(channel);
        Long count = counts.get(channel);
        return count == null ? 0 : count;
    }

    long shardNumsub(String channel) {
        Long count = sync().pubsubShardNumsub(channel).get(channel);
        return count == null ? 0 : count;
    }

    /** The ids of the connections whose CLIENT SETNAME is exactly {@code name}. */
    List<String> clientIds(String name) {
        List<String> ids = new ArrayList<>();
        for (String line : sync().clientList().split("\n")) {
            String id = null;
            String clientName = null;
            for (String field : line.trim().split(" ")) {
                if (field.startsWith("id=")) {
                    id = field.substring(3);
                } else if (field.startsWith("name=")) {
                    clientName = field.substring(5);
                }
            }
            if (id != null && name.equals(clientName)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * The subscriptions Redis counts for the connections named exactly {@code name} (CLIENT LIST's {@code sub},
     * {@code psub} and {@code ssub}, summed): per connection, so other tests on the shared Redis do not count.
     */
    public Map<String, Long> subscriptionCounts(String name) {
        Map<String, Long> counts = new java.util.HashMap<>(Map.of("sub", 0L, "psub", 0L, "ssub", 0L));
        for (String line : sync().clientList().split("\n")) {
            String clientName = null;
            Map<String, Long> fields = new java.util.HashMap<>();
            for (String field : line.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = field.substring(0, eq);
                if (key.equals("name")) {
                    clientName = field.substring(eq + 1);
                } else if (counts.containsKey(key)) {
                    fields.put(key, Long.parseLong(field.substring(eq + 1)));
                }
            }
            if (name.equals(clientName)) {
                fields.forEach((key, value) -> counts.merge(key, value, Long::sum));
            }
        }
        return counts;
    }

    /** CLIENT KILL ID for each connection of that name (only ours: the Redis is shared with other tests). */
    int kill(String name) {
        int killed = 0;
        for (String id : clientIds(name)) {
            killed += sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id))).intValue();
        }
        return killed;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
