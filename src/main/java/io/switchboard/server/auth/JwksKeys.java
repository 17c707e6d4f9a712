package io.switchboard.server.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import io.switchboard.server.UrlMask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of a JSON Web Key Set URL, fetched with {@link HttpClient} (never on an event loop: callers get a
 * future), kept for {@code cacheMillis}, and fetched again when a token names a {@code kid} the set does not hold, so
 * that keys can rotate without a restart. Fetches are shared by concurrent callers and spaced by at least
 * {@code minRefreshMillis}, so that tokens with made-up kids cannot hammer the URL. Only public signing keys are
 * taken: symmetric ("oct") keys and keys for encryption are ignored.
 *
 * <p>A fetch is bounded as a whole: {@code timeout} covers the connection, the headers and the body (an endpoint that
 * stalls mid-body is cut off), and a body over {@link #MAX_BODY_BYTES} is refused. A failed fetch is logged and
 * reported to the failure listener with a reason code ({@link #FAILURE_REASONS}); the keys already known keep
 * answering while the set is stale or the URL fails, and the fetch is tried again, on demand, once
 * {@code minRefreshMillis} have passed since the last attempt.
 */
public final class JwksKeys {
    /** A key set is a few KiB; anything larger is a wrong URL or an attack. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** The reasons a fetch fails, as given to the failure listener (and counted by the metrics). */
    public static final List<String> FAILURE_REASONS = List.of("timeout", "unreachable", "http_status", "too_large",
            "invalid");

    private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    /** The URL as it may be logged: user info and secret query parameters masked. */
    private final String shownUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final long cacheMillis;
    private final long minRefreshMillis;
    private final LongSupplier clock;
    private final Consumer<String> failures;
    private volatile Snapshot snapshot;
    private long lastAttempt;
    private boolean attempted;
    private CompletableFuture<Snapshot> inflight;

    /** The keys of one fetch: by kid, and all of them (for tokens without a kid). */
    private record Snapshot(Map<String, PublicKey> byKid, List<PublicKey> all, long fetchedAt) {
    }

    public JwksKeys(URI url, Duration timeout, long cacheMillis, long minRefreshMillis) {
        this(url, timeout, cacheMillis, minRefreshMillis, reason -> { });
    }

    /** @param failures hears the reason code of every failed fetch; called on the HTTP client's threads */
    public JwksKeys(URI url, Duration timeout, long cacheMillis, long minRefreshMillis, Consumer<String> failures) {
        this(url, HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build(),
                timeout, cacheMillis, minRefreshMillis, System::currentTimeMillis, failures);
    }

    JwksKeys(URI url, HttpClient http, Duration timeout, long cacheMillis, long minRefreshMillis,
             LongSupplier clock, Consumer<String> failures) {
        this.url = url;
        this.shownUrl = UrlMask.mask(url.toString());
        this.http = http;
        this.timeout = timeout;
        this.cacheMillis = cacheMillis;
        this.minRefreshMillis = minRefreshMillis;
        this.clock = clock;
        this.failures = failures;
    }

    public URI url() {
        return url;
    }

    /**
     * The key for a token: the one with that kid, or, for a token without kid, the only key of the family. Completes
     * with null when there is none (after fetching again if the kid is unknown and a fetch is allowed). A key already
     * known answers at once, even from a stale set: the set is then fetched again in the background.
     */
    public CompletableFuture<PublicKey> find(String kid, KeyFamily family) {
        Snapshot current = snapshot;
        boolean stale = current == null || clock.getAsLong() - current.fetchedAt() >= cacheMillis;
        PublicKey found = lookup(current, kid, family);
        if (found != null) {
            if (stale) {
                refresh();
            }
            return CompletableFuture.completedFuture(found);
        }
        if (!stale && kid == null) {
            return CompletableFuture.completedFuture(null);
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
        // callers get the future that completes after the bookkeeping below, so they see its outcome
        CompletableFuture<Snapshot> done = fetch().whenComplete((fresh, error) -> {
            synchronized (this) {
                inflight = null;
            }
            if (fresh != null) {
                snapshot = fresh;
                log.debug("fetched {} key(s) from {}", fresh.all().size(), shownUrl);
            } else {
                String reason = reason(error);
                log.warn("cannot fetch the JWKS at {} ({}): {}; {}, tried again in {} ms at the earliest", shownUrl,
                        reason, UrlMask.maskIn(rootMessage(error)), snapshot == null ? "no keys known yet"
                                : "the " + snapshot.all().size() + " key(s) known keep working", minRefreshMillis);
                try {
                    failures.accept(reason);
                } catch (RuntimeException e) {
                    log.warn("the JWKS failure listener failed", e);
                }
            }
        });
        if (!done.isDone()) {   // a fetch that failed at once has already cleared inflight
            inflight = done;
        }
        return done;
    }

    /** One GET, bounded as a whole by {@code timeout}; cancelling the exchange when it runs out. */
    private CompletableFuture<Snapshot> fetch() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        // the client may report a body we cut off as the connection's end: the refusal says why it ended
        AtomicReference<JwksFetchFailure> refused = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = http.sendAsync(request, info -> body(info, refused));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Snapshot> result = sent.handle((response, error) -> {
            if (refused.get() != null) {
                throw refused.get();
            }
            if (error != null) {
                throw error instanceof CompletionException completion ? completion : new CompletionException(error);
            }
            return parse(new String(response.body(), StandardCharsets.UTF_8));
        }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((fresh, error) -> {
            if (error != null) {
                sent.cancel(true);   // a body still trickling in is abandoned, its connection closed
            }
        });
        return result;
    }

    /** The body of a 200 answer, at most {@link #MAX_BODY_BYTES}; any other status fails without reading it. */
    private static HttpResponse.BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info,
                                                           AtomicReference<JwksFetchFailure> refused) {
        if (info.statusCode() != 200) {
            return new CappedBody(MAX_BODY_BYTES, new JwksFetchFailure("http_status", "HTTP " + info.statusCode()),
                    refused);
        }
        long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new CappedBody(MAX_BODY_BYTES, length > MAX_BODY_BYTES ? CappedBody.tooLarge(MAX_BODY_BYTES) : null,
                refused);
    }

    /** The reason code of a failed fetch: the first kind found anywhere in the chain of causes, in this order. */
    private static String reason(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable cause = error; cause != null && !chain.contains(cause) && chain.size() < 20;
             cause = cause.getCause()) {
            chain.add(cause);
        }
        for (Throwable cause : chain) {
            if (cause instanceof JwksFetchFailure failure) {
                return failure.reason();
            }
        }
        if (chain.stream().anyMatch(c -> c instanceof TimeoutException || c instanceof HttpTimeoutException)) {
            return "timeout";
        }
        return chain.stream().anyMatch(c -> c instanceof IOException) ? "unreachable" : "invalid";
    }

    private Snapshot parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new JwksFetchFailure("invalid", "not JSON: " + e.getMessage());
        }
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new JwksFetchFailure("invalid", "no \"keys\" array");
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
                log.debug("skipping a key of {} that cannot be read: {}", shownUrl, e.getMessage());
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
