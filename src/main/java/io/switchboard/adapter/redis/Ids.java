package io.switchboard.adapter.redis;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids from the alphabet of Node's uid2: adapter uids and request ids are opaque strings on the wire. */
final class Ids {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    private Ids() {
    }

    static String random(int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }

    /** 16 hex characters, the uid format of Node's sharded adapter. */
    static String hex16() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
