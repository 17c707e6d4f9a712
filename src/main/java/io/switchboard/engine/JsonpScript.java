package io.switchboard.engine;

import java.util.List;

/**
 * The answer to a JSONP poll: the payload as a call of the page's callback, {@code ___eio[<j>]("<payload>");}, which
 * the client's script tag runs. The payload goes as JSON.stringify writes a string, plus U+2028 and U+2029 escaped:
 * JSON allows them raw, JavaScript string literals (before ES2019) do not.
 */
final class JsonpScript {
    static final String CONTENT_TYPE = "text/javascript; charset=UTF-8";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
        appendLiteral(out, payload);
        return out.append(");").toString();
    }

    /** The string as a JavaScript string literal, quotes included. */
    static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        appendLiteral(out, value);
        return out.toString();
    }

    private static void appendLiteral(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\u2028', '\u2029' -> unicodeEscape(out, c);
                default -> {
                    if (c < 0x20 || loneSurrogate(value, i)) {
                        // a lone surrogate too, as well-formed JSON.stringify (ES2019) writes it
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean loneSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
    }
}
