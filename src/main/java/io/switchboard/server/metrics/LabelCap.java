package io.switchboard.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the distinct values of a label: the first {@code max} values seen are kept, every later one is
 * {@value #OTHER}. Keeps clients from growing the metrics without bound with made-up event or namespace names.
 */
final class LabelCap {
    static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    LabelCap(int max) {
        this.max = max;
    }

    String of(String value) {
        if (value == null) {
            return "";
        }
        if (seen.contains(value)) {
            return value;
        }
        // a race may let a few more than max in; that is harmless
        if (seen.size() < max) {
            seen.add(value);
            return value;
        }
        return OTHER;
    }
}
