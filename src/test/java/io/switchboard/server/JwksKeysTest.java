package io.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.security.Jwks;
import io.switchboard.server.auth.JwksKeys;
import io.switchboard.server.auth.KeyFamily;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    @BeforeEach
    void serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        http.start();
        url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json");
    }

    @AfterEach
    void stop() {
        http.stop(0);
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
}
