package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The script a JSONP poll is answered with; the expected literals are what JSON.stringify writes for them. */
class JsonpScriptTest {
    @Test
    void thePayloadIsAnArgumentOfTheIndexedCallback() {
        assertEquals("___eio[3](\"4hello\");", JsonpScript.script("3", "4hello"));
        assertEquals("___eio[0](\"40\\u001e42[\\\"a\\\"]\");", JsonpScript.script("0", "40\u001e42[\"a\"]"),
                "the v4 record separator as a \\u escape");
    }

    @Test
    void escapesAsJsonStringifyDoes() {
        assertEquals("\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000\\u001f \u007f /<\"",
                JsonpScript.literal("q\" b\\ \b\f\n\r\t \u0000\u001f \u007f /<"));
        assertEquals("\"h\u00e9llo \uD83D\uDE00\"", JsonpScript.literal("h\u00e9llo \uD83D\uDE00"),
                "other characters and a surrogate pair as they are");
        assertEquals("\"\\ud83d x \\ude00\"", JsonpScript.literal("\uD83D x \uDE00"), "lone surrogates escaped");
    }

    @Test
    void lineAndParagraphSeparatorsAreEscapedForJavaScript() {
        assertEquals("\"a\\u2028b\\u2029c\"", JsonpScript.literal("a\u2028b\u2029c"));
    }

    @Test
    void theIndexIsDecimalDigits() {
        assertEquals("0", JsonpScript.callbackIndex(List.of("0")));
        assertEquals("12", JsonpScript.callbackIndex(List.of("12")));
        assertEquals("7", JsonpScript.callbackIndex(List.of("007")), "no legacy octal literal in the script");
        assertNull(JsonpScript.callbackIndex(List.of("1", "2")), "one value only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1a", "a", "1]);alert(1);//", " 1", "\u0663", "1.0", "0x1"})
    void anythingElseIsNoIndex(String j) {
        assertNull(JsonpScript.callbackIndex(List.of(j)));
    }
}
