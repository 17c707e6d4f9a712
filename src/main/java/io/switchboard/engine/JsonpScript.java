package io.switchboard.engine;

import java.util.List;

/**
 * The answer to a JSONP poll: the payload as a call of the page's callback, {@code ___eio[<j>]("<payload>");}, which
 * the client's script tag runs. The payload goes as JSON.stringify writes a string, plus U+2028 and U+2029 escaped:
 * JSON allows them raw, JavaScript string literals (before ES2019) do not.
 */
final class JsonpScript {
    static final String CONTENT_TYPE = "text/javascript; charset=UTF-8";

    private JsonpScript() {
    }

    /**
     * The callback index a request names with {@code j}: one value of decimal digits, leading zeros dropped (so the
     * script never holds a legacy octal literal), or null when the value is anything else. The reference strips
     * what is not a digit instead; a client only ever sends its index, so the rest is a bad request here.
     */
    static String callbackIndex(List<String> values) {
        if (values == null || values.size() != 1) {
            return null;
        }
        String j = values.get(0);
        if (j.isEmpty()) {
            return null;
        }
        for (int i = 0; i < j.length(); i++) {
            if (j.charAt(i) < '0' || j.charAt(i) > '9') {
                return null;
            }
        }
        int start = 0;
        while (start < j.length() - 1 && j.charAt(start) == '0') {
            start++;
        }
        return j.substring(start);
    }

    static String script(String index, String payload) {
        StringBuilder out = new StringBuilder(payload.length() + index.length() + 16).append("___eio[").append(index)
                .append("](");
        JsonStrings.appendQuoted(out, payload);
        return out.append(");").toString();
    }

    /** The string as a JavaScript string literal, quotes included. */
    static String literal(String value) {
        return JsonStrings.quote(value);
    }
}
