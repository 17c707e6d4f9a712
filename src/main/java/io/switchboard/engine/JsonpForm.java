package io.switchboard.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of a JSONP POST: a form ({@code application/x-www-form-urlencoded}) whose field {@code d} holds the
 * payload. The client's textarea would turn a newline into CRLF on the way, so it sends a newline as {@code \n}
 * (backslash, n) and a {@code \n} that was already in the payload as {@code \\n}; both are turned back here, with the
 * same two replacements as the reference server.
 */
final class JsonpForm {
    /** {@code \n}, or {@code \\n}, which is left for the next step. */
    private static final Pattern ESCAPED_NEWLINE = Pattern.compile("(\\\\)?\\\\n");
    private static final Pattern DOUBLY_ESCAPED_NEWLINE = Pattern.compile("\\\\\\\\n");
    /** The most form bytes a payload byte can take: a newline goes as {@code %5Cn}. */
    private static final int MAX_BYTES_PER_PAYLOAD_BYTE = 4;
    private static final String FIELD = "d";

    private JsonpForm() {
    }

    /**
     * How long a form body may be whose payload can still be within {@code maxPayloadBytes}; the decoded payload
     * is checked against the limit itself.
     */
    static int maxBodyBytes(int maxPayloadBytes) {
        long most = (long) maxPayloadBytes * MAX_BYTES_PER_PAYLOAD_BYTE + FIELD.length() + 1;
        return (int) Math.min(Integer.MAX_VALUE, most);
    }

    /** The payload in field {@code d}; malformed when there is no such field, or more than one, or bad encoding. */
    static String payload(String body) throws MalformedPacketException {
        String data = null;
        int from = 0;
        while (from <= body.length()) {
            int end = body.indexOf('&', from);
            if (end < 0) {
                end = body.length();
            }
            if (end > from) {
                int equals = body.indexOf('=', from);
                boolean hasValue = equals >= 0 && equals < end;
                String name = urlDecode(body, from, hasValue ? equals : end);
                if (name.equals(FIELD)) {
                    if (data != null) {
                        throw new MalformedPacketException("form field d given twice");
                    }
                    data = hasValue ? urlDecode(body, equals + 1, end) : "";
                }
            }
            from = end + 1;
        }
        if (data == null) {
            throw new MalformedPacketException("form without field d");
        }
        return unescapeNewlines(data);
    }

    static String unescapeNewlines(String data) {
        String once = ESCAPED_NEWLINE.matcher(data)
                .replaceAll(match -> match.group(1) != null ? Matcher.quoteReplacement(match.group()) : "\n");
        return DOUBLY_ESCAPED_NEWLINE.matcher(once).replaceAll(Matcher.quoteReplacement("\\n"));
    }

    /** Form decoding of one name or value: {@code +} is a space, {@code %XX} a byte, the bytes UTF-8. */
    private static String urlDecode(String body, int from, int to) throws MalformedPacketException {
        int percent = body.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return body.substring(from, to).replace('+', ' ');
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        StringBuilder text = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = body.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new MalformedPacketException("truncated percent-encoding in form");
                }
                int high = hex(body.charAt(i + 1));
                int low = hex(body.charAt(i + 2));
                if (high < 0 || low < 0) {
                    throw new MalformedPacketException("bad percent-encoding in form");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                flush(bytes, text);
                text.append(c == '+' ? ' ' : c);
            }
        }
        flush(bytes, text);
        return text.toString();
    }

    /** An ASCII hex digit's value, or -1 (Character.digit would take other scripts' digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Decodes the bytes gathered so far as UTF-8, strictly: a form of bytes that are not UTF-8 is malformed. */
    private static void flush(ByteArrayOutputStream bytes, StringBuilder text) throws MalformedPacketException {
        if (bytes.size() == 0) {
            return;
        }
        try {
            text.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            throw new MalformedPacketException("form field not UTF-8");
        }
        bytes.reset();
    }
}
