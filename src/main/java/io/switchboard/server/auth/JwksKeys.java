package io.switchboard.server.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Key;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of a JSON Web Key Set URL, fetched with {@link HttpClient} (never on an event loop: callers get a
 * future), kept for {@code cacheMillis}, and fetched again when a token names a {@code kid} the set does not hold, so
 * that keys can rotate without a restart. Fetches are shared by concurrent callers and spaced by at least
 * {@code minRefreshMillis}, so that tokens with made-up kids cannot hammer the URL. Only public signing keys are
 * taken: symmetric ("oct") keys and keys for encryption are ignored.
 */
public final class JwksKeys {
    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;
    private final long cacheMillis;
    private final long minRefreshMillis;
    private final LongSupplier clock;
    private volatile Snapshot snapshot;
    private long lastAttempt;
    private boolean attempted;
    private CompletableFuture<Snapshot> inflight;

    /** The keys of one fetch: by kid, and all of them (for tokens without a kid). */
    private record Snapshot(Map<String, PublicKey> byKid, List<PublicKey> all, long fetchedAt) {
    }

    public JwksKeys(URI url, Duration timeout, long cacheMillis, long minRefreshMillis) {
        this(url, HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build(),
                timeout, cacheMillis, minRefreshMillis, System::currentTimeMillis);
    }

    JwksKeys(URI url, HttpClient http, Duration timeout, long cacheMillis, long minRefreshMillis,
             LongSupplier clock) {
        this.url = url;
        this.http = http;
        this.timeout = timeout;
        this.cacheMillis = cacheMillis;
        this.minRefreshMillis = minRefreshMillis;
        this.clock = clock;
    }

    public URI url() {
        return url;
    }

    /**
     * The key for a token: the one with that kid, or, for a token without kid, the only key of the family. Completes
     * with null when there is none (after fetching again if the kid is unknown and a fetch is allowed).
     */
    public CompletableFuture<PublicKey> find(String kid, KeyFamily family) {
        Snapshot current = snapshot;
        if (current == null || clock.getAsLong() - current.fetchedAt() >= cacheMillis) {
            return refresh().handle((fresh, error) -> lookup(fresh != null ? fresh : snapshot, kid, family));
        }
        PublicKey found = lookup(current, kid, family);
        if (found != null || kid == null) {
            return CompletableFuture.completedFuture(found);
        }
        return refresh().handle((fresh, error) -> lookup(fresh != null ? fresh : snapshot, kid, family));
    }

    /** How many keys the last successful fetch gave; -1 before any. */
    public int keyCount() {
        Snapshot current = snapshot;
        return current == null ? -1 : current.all().size();
    }

    /** Fetches the set now (e.g. at startup); completes with the number of keys, or fails. */
    public CompletableFuture<Integer> load() {
        return refresh().thenApply(fresh -> fresh == null ? -1 : fresh.all().size());
    }

    /**
     * Fetches the set unless a fetch is under way (then shares it) or the last one started less than
     * {@code minRefreshMillis} ago (then completes with what is cached, possibly null).
     */
    private synchronized CompletableFuture<Snapshot> refresh() {
        if (inflight != null) {
            return inflight;
        }
        long now = clock.getAsLong();
        if (attempted && now - lastAttempt < minRefreshMillis) {
            return CompletableFuture.completedFuture(snapshot);
        }
        attempted = true;
        lastAttempt = now;
        CompletableFuture<Snapshot> fetch = fetch();
        inflight = fetch;
        fetch.whenComplete((fresh, error) -> {
            synchronized (this) {
                inflight = null;
            }
            if (fresh != null) {
                snapshot = fresh;
                log.debug("fetched {} key(s) from {}", fresh.all().size(), url);
            } else {
                log.warn("cannot fetch the JWKS at {}: {}", url, rootMessage(error));
            }
        });
        return fetch;
    }

    private CompletableFuture<Snapshot> fetch() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode());
                }
                return parse(response.body());
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Snapshot parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + e.getMessage());
        }
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalStateException("no \"keys\" array");
        }
        Map<String, PublicKey> byKid = new HashMap<>();
        List<PublicKey> all = new ArrayList<>();
        for (JsonNode entry : keys) {
            if (entry.hasNonNull("use") && !"sig".equals(entry.get("use").asText())) {
                continue;
            }
            try {
                Jwk<?> jwk = Jwks.parser().build().parse(entry.toString());
                if (!(jwk instanceof PublicJwk<?> publicJwk)) {
                    continue;
                }
                Key key = publicJwk.toKey();
                if (key instanceof PublicKey publicKey && KeyFamily.ofKey(publicKey) != null) {
                    all.add(publicKey);
                    if (jwk.getId() != null) {
                        byKid.put(jwk.getId(), publicKey);
                    }
                }
            } catch (RuntimeException e) {
                log.debug("skipping a key of {} that cannot be read: {}", url, e.getMessage());
            }
        }
        return new Snapshot(Map.copyOf(byKid), List.copyOf(all), clock.getAsLong());
    }

    private static PublicKey lookup(Snapshot snapshot, String kid, KeyFamily family) {
        if (snapshot == null) {
            return null;
        }
        if (kid != null) {
            PublicKey key = snapshot.byKid().get(kid);
            return key != null && KeyFamily.ofKey(key) == family ? key : null;
        }
        PublicKey only = null;
        for (PublicKey key : snapshot.all()) {
            if (KeyFamily.ofKey(key) == family) {
                if (only != null) {
                    return null;
                }
                only = key;
            }
        }
        return only;
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == null) {
            return "unknown error";
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
