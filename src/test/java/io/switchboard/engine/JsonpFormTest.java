package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The form of a JSONP POST, as socket.io-client 2's hidden form sends its textarea d. */
class JsonpFormTest {
    /** What the client does before the form encodes it: \n to \\n (its own \n as \\\n), then LF to \n. */
    private static String clientEscaped(String payload) {
        return payload.replace("\\n", "\\\n").replace("\n", "\\n");
    }

    private static String form(String payload) {
        return "d=" + URLEncoder.encode(clientEscaped(payload), StandardCharsets.UTF_8);
    }

    @Test
    void theFieldIsUrlDecoded() throws Exception {
        assertEquals("4h\u00e9llo w\u00f6rld \uD83D\uDE00+&=", JsonpForm.payload(
                "d=4h%C3%A9llo+w%c3%b6rld%20%F0%9F%98%80%2B%26%3D"));
        assertEquals("42[\"a\"]", JsonpForm.payload("x=1&d=42%5B%22a%22%5D&y"), "other fields are left alone");
        assertEquals("", JsonpForm.payload("d"));
        assertEquals("", JsonpForm.payload("d="));
    }

    @Test
    void newlinesAndEscapedNewlinesComeBack() throws Exception {
        for (String payload : new String[] {"a\nb", "42[\"x\\ny\"]", "\\n\n\\n", "1:2\n\n", "back\\\\slash",
                "51-[\"a\",{\"_placeholder\":true,\"num\":0}]"}) {
            assertEquals(payload, JsonpForm.payload(form(payload)), payload);
        }
    }

    @Test
    void unescapesAsTheReferenceDoes() {
        // \n is a newline; \\n is a \n; a backslash not before n stays
        assertEquals("a\nb", JsonpForm.unescapeNewlines("a\\nb"));
        assertEquals("a\\nb", JsonpForm.unescapeNewlines("a\\\\nb"));
        assertEquals("\\\\n", JsonpForm.unescapeNewlines("\\\\\\n"), "three backslashes and n: two and n");
        assertEquals("\\x \\", JsonpForm.unescapeNewlines("\\x \\"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x=1", "d=1&d=2", "d=%", "d=%4", "d=%zz", "d=%C3", "d=%FF", "d=%\u0663\u0663"})
    void aFormWithoutOneGoodFieldDIsMalformed(String body) {
        assertThrows(MalformedPacketException.class, () -> JsonpForm.payload(body));
    }

    @Test
    void aFormMayTakeFourBytesForEachPayloadByte() throws Exception {
        String newlines = "\n".repeat(100);
        assertEquals(4 * 100 + 2, form(newlines).length(), "a newline goes as %5Cn");
        assertEquals(4 * 100 + 2, JsonpForm.maxBodyBytes(100));
        assertEquals(Integer.MAX_VALUE, JsonpForm.maxBodyBytes(Integer.MAX_VALUE));
    }
}
