package io.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The private ids that let a client recover its session, derived from the socket id with a key only this server
 * holds (HMAC-SHA256, the first 15 bytes, base64url: 20 characters like the reference's base64id). A socket id is
 * public (rooms, presence, {@code to(id)}); what it derives cannot be computed without the key, so it is as secret
 * as a random one, and no socket has to keep it. A session saved for recovery keeps its private id as it was
 * given: a socket taken back from one (here after a restart, or on another node) is named by that.
 */
final class PrivateIds {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int BYTES = 15;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;

    PrivateIds() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    String of(String socketId) {
        try {
            // a Mac per call: it is asked at the CONNECT reply, when the socket goes and, with a store that keeps
            // live sessions, at each saved change (one a loop turn at most); a shared one would need a lock
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return ENCODER.encodeToString(Arrays.copyOf(mac.doFinal(socketId.getBytes(StandardCharsets.UTF_8)), BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no " + ALGORITHM + " in this JVM", e);
        }
    }
}
