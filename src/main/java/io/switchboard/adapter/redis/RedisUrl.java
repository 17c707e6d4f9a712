package io.switchboard.adapter.redis;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;

/**
 * The Redis deployment a URL names. Lettuce's own forms ({@code redis://}, {@code rediss://}, {@code redis-socket://},
 * {@code redis-sentinel://h1:26379,h2:26379/0#mymaster}) name one Redis, the Sentinel form through the sentinels that
 * know its current master. {@code redis-cluster://[user:password@]h1:6379,h2:6379[?options]} (and
 * {@code rediss-cluster://} for TLS) names a Redis Cluster by its seed nodes: the same comma-separated list as the
 * Sentinel form, so that one variable ({@code REDIS_URL}) carries every deployment.
 */
record RedisUrl(boolean cluster, List<RedisURI> uris) {
    private static final String CLUSTER = "redis-cluster://";
    private static final String CLUSTER_TLS = "rediss-cluster://";

    static RedisUrl parse(String url) {
        if (url.startsWith(CLUSTER)) {
            return new RedisUrl(true, seeds("redis://", url.substring(CLUSTER.length())));
        }
        if (url.startsWith(CLUSTER_TLS)) {
            return new RedisUrl(true, seeds("rediss://", url.substring(CLUSTER_TLS.length())));
        }
        return new RedisUrl(false, List.of(RedisURI.create(url)));
    }

    /** One URI per seed node, each with the credentials and options of the whole. */
    private static List<RedisURI> seeds(String scheme, String rest) {
        int at = rest.lastIndexOf('@');
        String credentials = at < 0 ? "" : rest.substring(0, at + 1);
        String hostsAndRest = rest.substring(at + 1);
        int end = indexOfAny(hostsAndRest, "/?#");
        String hosts = end < 0 ? hostsAndRest : hostsAndRest.substring(0, end);
        String tail = end < 0 ? "" : hostsAndRest.substring(end);
        if (tail.startsWith("/") && !tail.matches("/0?([?#].*)?")) {
            throw new IllegalArgumentException("a Redis Cluster has only database 0: " + tail);
        }
        List<RedisURI> uris = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("an empty seed node in a redis-cluster:// URL");
            }
            uris.add(RedisURI.create(scheme + credentials + host.trim() + tail));
        }
        return List.copyOf(uris);
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
