package io.switchboard.server.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured API keys, compared in constant time: keys and candidates are hashed first (so that neither their
 * content nor their length shows in the timing) and every key is compared, without stopping at a match.
 */
public final class ApiKeys {
    private final List<byte[]> digests = new ArrayList<>();

    public ApiKeys(List<String> keys) {
        for (String key : keys) {
            digests.add(sha256(key));
        }
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        byte[] digest = sha256(candidate);
        boolean found = false;
        for (byte[] key : digests) {
            found |= MessageDigest.isEqual(key, digest);
        }
        return found;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
