package io.switchboard.hardening;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The "sid" of an Engine.IO OPEN packet or a Socket.IO CONNECT packet, read off the raw packet text. */
final class Sids {
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    private Sids() {
    }

    static String of(String packet) {
        Matcher m = SID.matcher(packet);
        if (!m.find()) {
            throw new AssertionError("no sid in " + packet);
        }
        return m.group(1);
    }
}
