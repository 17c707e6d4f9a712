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
    /** Characters of every id, cluster node tag included. */
    static final int LENGTH = 20;
    private final SecureRandom random = new SecureRandom();
    private final String nodeTag;

    public SessionIds() {
        this("");
    }

    /**
     * Ids that begin with a cluster node's tag, so that any node can tell which one owns a session without asking
     * anyone; the rest stays random (14 characters, 84 bits) and the length stays the reference's.
     */
    SessionIds(String nodeTag) {
        this.nodeTag = nodeTag;
    }

    public String next() {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        String id = ENCODER.encodeToString(bytes);
        return nodeTag.isEmpty() ? id : nodeTag + id.substring(nodeTag.length());
    }
}
