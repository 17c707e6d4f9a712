package io.switchboard.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Request headers kept for the life of a session as one string, {@code name:value} lines with lower-case names. A
 * session holds its handshake headers for as long as it lives while the application reads one or two of them, once:
 * one string instead of a map of lists of strings is most of a kilobyte less per idle connection.
 */
final class PackedHeaders {
    private PackedHeaders() {
    }

    /**
     * Packs headers in their order after {@code prefix} and a line break (the request's url: one string for both);
     * a parsed HTTP/1.1 header value never holds a line break. The headers then start at {@code prefix.length() + 1}.
     */
    static String pack(String prefix,
                       Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers) {
        StringBuilder packed = new StringBuilder(prefix.length() + 256).append(prefix);
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> header : headers) {
            packed.append('\n');
            // char by char: no lower-cased copy of each name, no String of each of Netty's AsciiStrings
            CharSequence name = header.getKey();
            for (int i = 0, n = name.length(); i < n; i++) {
                char c = name.charAt(i);
                packed.append(Character.toLowerCase(c));
            }
            packed.append(':');
            CharSequence value = header.getValue();
            for (int i = 0, n = value.length(); i < n; i++) {
                char c = value.charAt(i);
                packed.append(c == '\n' ? ' ' : c);
            }
        }
        return packed.toString();
    }

    static String pack(String prefix, Map<String, List<String>> headers) {
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        headers.forEach((name, values) -> values.forEach(value -> lines.add(Map.entry(name, value))));
        return pack(prefix, lines);
    }

    /** The first value of the header, or null; {@code name} in any case; the headers start at {@code from}. */
    static String first(String packed, int from, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        String[] found = new String[1];
        forEachLine(packed, from, (start, colon, end) -> {
            if (colon - start == wanted.length() && packed.startsWith(wanted, start)) {
                found[0] = packed.substring(colon + 1, end);
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** Every header, repeated ones as several values, in the order they came. */
    static Map<String, List<String>> unpack(String packed, int from) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        forEachLine(packed, from, (start, colon, end) -> {
            headers.computeIfAbsent(packed.substring(start, colon), k -> new ArrayList<>(1))
                    .add(packed.substring(colon + 1, end));
            return true;
        });
        headers.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(headers);
    }

    /** One {@code name:value} line: where it starts, where its colon is and where it ends. */
    private interface LineVisitor {
        /** False to stop. */
        boolean visit(int start, int colon, int end);
    }

    private static void forEachLine(String packed, int from, LineVisitor visitor) {
        int start = from;
        int length = packed.length();
        while (start < length) {
            int end = packed.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            int colon = packed.indexOf(':', start);
            if (colon > start && colon < end && !visitor.visit(start, colon, end)) {
                return;
            }
            start = end + 1;
        }
    }
}
