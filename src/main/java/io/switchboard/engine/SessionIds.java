package io.switchboard.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** Session ids: 128 bits from a cryptographic source, URL-safe, never derived from anything a client sends. */
public final class SessionIds {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();

    public String next() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
