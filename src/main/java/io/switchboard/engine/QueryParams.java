package io.switchboard.engine;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Reads single parameters of a request's query the way {@link QueryStringDecoder} decodes the whole query
 * ({@code &} and {@code ;} separate parameters, {@code #} ends the query, a parameter without a name is none, one
 * without {@code =} has the value ""), without building its maps: a request needs two or three parameters, and
 * the maps were most of what decoding a poll allocated.
 */
final class QueryParams {
    private QueryParams() {
    }

    /** The first value of the parameter, or null when the query has none. */
    static String first(String uri, String name) {
        List<String> values = scan(uri, name, true);
        return values == null ? null : values.get(0);
    }

    /** As {@link #first(String, String)} for the url that is the first {@code length} characters of {@code text}. */
    static String first(String text, int length, String name) {
        List<String> values = scan(text, length, name, true);
        return values == null ? null : values.get(0);
    }

    /** Every value of the parameter in order, or null when the query has none. */
    static List<String> all(String uri, String name) {
        return scan(uri, name, false);
    }

    /** Throws {@link IllegalArgumentException} when a name or value is badly percent-encoded, as the decoder does. */
    static void checkEncoding(String uri) {
        scan(uri, null, false);
    }

    /** With a null name it decodes every encoded part (for {@link #checkEncoding}) and finds nothing. */
    private static List<String> scan(String uri, String name, boolean firstOnly) {
        return scan(uri, uri.length(), name, firstOnly);
    }

    /** Reads only the first {@code length} characters of {@code uri}: what follows them is not the url. */
    private static List<String> scan(String uri, int length, String name, boolean firstOnly) {
        int start = uri.indexOf('?');
        if (start < 0 || start >= length) {
            return null;
        }
        int end = uri.indexOf('#', start);
        end = end < 0 || end > length ? length : end;
        List<String> found = null;
        for (int at = start + 1; at < end; ) {
            int next = at;
            int equals = -1;
            while (next < end && uri.charAt(next) != '&' && uri.charAt(next) != ';') {
                if (equals < 0 && uri.charAt(next) == '=') {
                    equals = next;
                }
                next++;
            }
            int nameEnd = equals >= 0 ? equals : next;
            if (nameEnd > at) {
                String paramName = QueryStringDecoder.decodeComponent(uri.substring(at, nameEnd));
                if (name == null) {
                    if (equals >= 0) {
                        QueryStringDecoder.decodeComponent(uri.substring(equals + 1, next));
                    }
                } else if (paramName.equals(name)) {
                    String value = equals >= 0
                            ? QueryStringDecoder.decodeComponent(uri.substring(equals + 1, next)) : "";
                    if (firstOnly) {
                        return List.of(value);
                    }
                    if (found == null) {
                        found = new ArrayList<>(1);
                    }
                    found.add(value);
                }
            }
            at = next + 1;
        }
        return found;
    }
}
