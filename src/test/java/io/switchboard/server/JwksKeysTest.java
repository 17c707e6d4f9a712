package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.security.Jwks;
import io.switchboard.server.auth.JwksKeys;
import io.switchboard.server.auth.KeyFamily;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JwksKeysTest {
    private static final KeyPair ONE = rsa();
    private static final KeyPair TWO = rsa();

    private HttpServer http;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private URI url;

    private static KeyPair rsa() {
        try {
            return KeyPairGenerator.getInstance("RSA").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String set(Object... kidsAndKeys) {
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < kidsAndKeys.length; i += 2) {
            String json = Jwks.json(Jwks.builder().key((java.security.interfaces.RSAPublicKey) ((KeyPair)
                    kidsAndKeys[i + 1]).getPublic()).id((String) kidsAndKeys[i]).build());
            keys.append(keys.length() == 0 ? "" : ",").append(json);
        }
        return "{\"keys\":[" + keys + "]}";
    }

    /** How the endpoint answers: the whole body, half of it then nothing (until released), or 2 MiB. */
    private enum Mode { NORMAL, STALL, HUGE_CHUNKED, HUGE_DECLARED }

    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NORMAL);
    private final CountDownLatch released = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();

    @BeforeEach
    void serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(handlers);   // a stalled answer must not hold up the next request
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            try (OutputStream out = exchange.getResponseBody()) {
                switch (mode.get()) {
                    case STALL -> {
                        exchange.sendResponseHeaders(status.get(), bytes.length);
                        out.write(bytes, 0, bytes.length / 2);
                        out.flush();
                        released.await(60, TimeUnit.SECONDS);
                    }
                    case HUGE_CHUNKED, HUGE_DECLARED -> {
                        byte[] filler = new byte[64 * 1024];
                        java.util.Arrays.fill(filler, (byte) ' ');
                        int chunks = 32;   // 2 MiB
                        exchange.sendResponseHeaders(status.get(),
                                mode.get() == Mode.HUGE_CHUNKED ? 0 : (long) chunks * filler.length);
                        for (int i = 0; i < chunks; i++) {
                            out.write(filler);
                        }
                    }
                    default -> {
                        exchange.sendResponseHeaders(status.get(), bytes.length);
                        out.write(bytes);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up on this answer: what the tests want
            }
        });
        http.start();
        url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json");
    }

    @AfterEach
    void stop() {
        released.countDown();
        http.stop(0);
        handlers.shutdownNow();
    }

    private static PublicKey get(JwksKeys keys, String kid) throws Exception {
        return keys.find(kid, KeyFamily.RSA).get(5, TimeUnit.SECONDS);
    }

    @Test
    void keysAreFetchedOnceAndFoundByKid() throws Exception {
        body.set(set("k1", ONE, "k2", TWO));
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 0);
        assertEquals(ONE.getPublic(), get(keys, "k1"));
        assertEquals(TWO.getPublic(), get(keys, "k2"));
        assertEquals(1, fetches.get());
        assertNull(keys.find("k1", KeyFamily.EC).get(5, TimeUnit.SECONDS), "a key of another family is not given");
    }

    @Test
    void anUnknownKidFetchesAgainSoThatKeysRotateWithoutARestart() throws Exception {
        body.set(set("k1", ONE));
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 0);
        assertNotNull(get(keys, "k1"));
        body.set(set("k2", TWO));
        assertEquals(TWO.getPublic(), get(keys, "k2"));
        assertEquals(2, fetches.get());
        assertNull(get(keys, "k1"), "the retired key is gone once the set was fetched again");
    }

    @Test
    void fetchesForUnknownKidsAreSpacedByTheMinimumInterval() throws Exception {
        body.set(set("k1", ONE));
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 60_000);
        assertNotNull(get(keys, "k1"));
        for (int i = 0; i < 5; i++) {
            assertNull(get(keys, "made-up-" + i));
        }
        assertEquals(1, fetches.get(), "made-up kids do not make the server hammer the JWKS URL");
    }

    @Test
    void aFailedFetchIsAMissingKeyAndTheNextOneRecovers() throws Exception {
        body.set("{\"error\": true}");
        status.set(500);
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 0);
        assertNull(get(keys, "k1"));
        status.set(200);
        body.set(set("k1", ONE));
        assertEquals(ONE.getPublic(), get(keys, "k1"));
        assertEquals(1, keys.load().get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTokenWithoutKidGetsTheOnlyKeyOfItsFamily() throws Exception {
        body.set(set("k1", ONE));
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 0);
        assertEquals(ONE.getPublic(), get(keys, null));
        body.set(set("k1", ONE, "k2", TWO));
        assertEquals(2, keys.load().get(5, TimeUnit.SECONDS));
        assertNull(get(keys, null), "with two candidates, a token must say which");
    }

    @Test
    void symmetricAndEncryptionKeysAreIgnored() throws Exception {
        String rsaKey = set("k1", ONE);
        String withOthers = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h1\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ1Njc4\"},"
                + rsaKey.substring(rsaKey.indexOf('[') + 1, rsaKey.length() - 2).replace("\"kid\"", "\"use\":\"enc\",\"kid\"")
                + "]}";
        body.set(withOthers);
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(5), 60_000, 0);
        assertEquals(0, keys.load().get(5, TimeUnit.SECONDS));
    }

    /** Polls {@code find} (bounded) until it gives a key; null if it never did. */
    private static PublicKey awaitKey(JwksKeys keys, String kid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            PublicKey key = get(keys, kid);
            if (key != null) {
                return key;
            }
            Thread.sleep(100);
        }
        return null;
    }

    private static ListAppender<ILoggingEvent> captureLog() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(JwksKeys.class)).addAppender(lines);
        return lines;
    }

    @Test
    void aFetchStallingMidBodyTimesOutIsLoggedAndCountedAndIsTriedAgainAfterTheMinimumInterval() throws Exception {
        body.set(set("k1", ONE));
        mode.set(Mode.STALL);
        URI secretUrl = URI.create(url + "?api_key=s3cr3t-value");
        List<String> failures = new CopyOnWriteArrayList<>();
        ListAppender<ILoggingEvent> log = captureLog();
        try {
            JwksKeys keys = new JwksKeys(secretUrl, Duration.ofSeconds(1), 60_000, 4_000, failures::add);
            Throwable error = keys.load().handle((count, failure) -> failure).get(15, TimeUnit.SECONDS);
            assertNotNull(error, "a body that never ends is a failed fetch, within the timeout");
            assertEquals(List.of("timeout"), failures);
            List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("(timeout)"), warnings.get(0));
            assertTrue(warnings.get(0).contains("api_key=********"), warnings.get(0));
            assertFalse(warnings.get(0).contains("s3cr3t"), warnings.get(0));

            // the endpoint recovers: the next fetch waits out minRefresh (4 s) from the failed one, then succeeds
            mode.set(Mode.NORMAL);
            assertEquals(ONE.getPublic(), awaitKey(keys, "k1"));
            assertEquals(2, fetches.get(), "one stalled fetch, one that worked: nothing in between");
        } finally {
            ((Logger) LoggerFactory.getLogger(JwksKeys.class)).detachAppender(log);
        }
    }

    @Test
    void knownKeysKeepWorkingWhileTheEndpointStallsAndNewOnesArriveOnceItRecovers() throws Exception {
        body.set(set("k1", ONE));
        List<String> failures = new CopyOnWriteArrayList<>();
        // cacheMillis 0: the set is always stale, so every lookup wants a fresh one
        JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(1), 0, 0, failures::add);
        assertEquals(1, keys.load().get(10, TimeUnit.SECONDS));

        mode.set(Mode.STALL);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<PublicKey> known = keys.find("k1", KeyFamily.RSA);
            assertTrue(known.isDone(), "a known key does not wait for the stalled fetch");
            assertEquals(ONE.getPublic(), known.get());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("timeout", failures.isEmpty() ? "none" : failures.get(0));
        assertEquals(ONE.getPublic(), get(keys, "k1"), "still known after the failure");

        body.set(set("k1", ONE, "k2", TWO));
        mode.set(Mode.NORMAL);
        assertEquals(TWO.getPublic(), awaitKey(keys, "k2"));
    }

    @Test
    void aBodyOverTheCapIsRefusedWhetherDeclaredOrStreamed() throws Exception {
        body.set(set("k1", ONE));
        for (Mode huge : List.of(Mode.HUGE_CHUNKED, Mode.HUGE_DECLARED)) {
            mode.set(huge);
            List<String> failures = new CopyOnWriteArrayList<>();
            JwksKeys keys = new JwksKeys(url, Duration.ofSeconds(10), 60_000, 0, failures::add);
            Throwable error = keys.load().handle((count, failure) -> failure).get(15, TimeUnit.SECONDS);
            assertNotNull(error, huge.name());
            assertEquals(List.of("too_large"), failures, huge.name());
            assertEquals(-1, keys.keyCount());
        }
    }
}
