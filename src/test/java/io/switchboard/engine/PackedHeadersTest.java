package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PackedHeadersTest {

    @Test
    void namesAreLowerCasedAndRepeatedHeadersKeepEveryValueInOrder() {
        String packed = PackedHeaders.pack(List.of(Map.entry("Host", "a:3000"), Map.entry("Cookie", "x=1"),
                Map.entry("X-Trace", "one"), Map.entry("x-trace", "two")));

        assertEquals(Map.of("host", List.of("a:3000"), "cookie", List.of("x=1"), "x-trace", List.of("one", "two")),
                PackedHeaders.unpack(packed));
        assertEquals(List.of("host", "cookie", "x-trace"), List.copyOf(PackedHeaders.unpack(packed).keySet()));
    }

    @Test
    void firstFindsAWholeNameInAnyCaseAndValuesMayHoldColons() {
        String packed = PackedHeaders.pack(List.of(Map.entry("Hostname", "no"), Map.entry("Host", "a:3000"),
                Map.entry("Empty", "")));

        assertEquals("a:3000", PackedHeaders.first(packed, "HOST"));
        assertEquals("no", PackedHeaders.first(packed, "hostname"));
        assertEquals("", PackedHeaders.first(packed, "empty"));
        assertNull(PackedHeaders.first(packed, "hos"));
        assertNull(PackedHeaders.first("", "host"));
    }

    @Test
    void requestReadsItsQueryFromTheUrl() {
        HandshakeRequest request = new HandshakeRequest("GET", "/socket.io/?EIO=4&transport=polling&t=a&t=b%20c",
                Map.of("Origin", List.of("http://x")), null, false, 0);

        assertEquals("4", request.queryParam("EIO"));
        assertEquals(List.of("a", "b c"), request.query().get("t"));
        assertEquals("http://x", request.header("origin"));
        assertNull(request.queryParam("sid"));
    }

    @Test
    void oneParameterIsDecodedAsTheWholeQueryDecodesIt() {
        List<String> urls = List.of("/socket.io/?EIO=4&transport=polling", "/x?a=1&a=2", "/x?a", "/x?b=%20c+d;a=q",
                "/x?a=1#frag&b=2", "/x", "/x?=v&a=", "/x?t%6Fken=abc&token=def", "/x?&&a=%C3%A9&", "/x?a=1=2");
        for (String url : urls) {
            HandshakeRequest request = new HandshakeRequest("GET", url, Map.of(), null, false, 0);
            for (String name : List.of("a", "b", "EIO", "transport", "token", "frag", "")) {
                List<String> values = request.query().get(name);
                assertEquals(values == null ? null : values.get(0), request.queryParam(name), url + " " + name);
            }
        }
    }
}
