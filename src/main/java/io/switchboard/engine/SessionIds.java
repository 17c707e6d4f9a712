package io.switchboard.engine;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session and socket ids in the reference server's format: 15 bytes (120 bits) from a cryptographic source, base64url,
 * 20 characters, never derived from anything a client sends. The length matters beyond looks: Node's sharded Redis
 * adapter takes a 20-character room for a socket's private room and routes {@code to(id)} accordingly.
 */
public final class SessionIds {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** The reference's base64id: 15 random bytes, which base64 encodes without padding. */
    static final int BYTES = 15;
    private final SecureRandom random = new SecureRandom();

    public String next() {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
