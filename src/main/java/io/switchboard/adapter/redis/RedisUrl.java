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
        // the options (timeout, TLS, client name...) as Lettuce reads them, on a placeholder host; the seeds and the
        // credentials set after, so that a password may hold any character ('@', '/', ':')
        RedisURI options = RedisURI.create(scheme + "placeholder" + tail);
        List<RedisURI> uris = new ArrayList<>();
        for (String host : hosts.split(",")) {
            String seed = host.trim();
            if (seed.isEmpty()) {
                throw new IllegalArgumentException("an empty seed node in a redis-cluster:// URL");
            }
            int colon = seed.lastIndexOf(':');
            RedisURI.Builder uri = RedisURI.builder(options)
                    .withHost(colon < 0 ? seed : seed.substring(0, colon))
                    .withPort(colon < 0 ? RedisURI.DEFAULT_REDIS_PORT : Integer.parseInt(seed.substring(colon + 1)));
            if (!credentials.isEmpty()) {
                String userInfo = credentials.substring(0, credentials.length() - 1);
                int split = userInfo.indexOf(':');
                String user = split < 0 ? null : decode(userInfo.substring(0, split));
                String password = decode(split < 0 ? userInfo : userInfo.substring(split + 1));
                if (user == null || user.isEmpty()) {
                    uri.withPassword(password.toCharArray());
                } else {
                    uri.withAuthentication(user, password.toCharArray());
                }
            }
            uris.add(uri.build());
        }
        return List.copyOf(uris);
    }

    /** Percent-encoding decoded as Lettuce does; a '%' that starts no escape is kept as it is. */
    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return text;
        }
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
