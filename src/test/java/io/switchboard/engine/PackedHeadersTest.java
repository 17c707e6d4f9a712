package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PackedHeadersTest {

    @Test
    void namesAreLowerCasedAndRepeatedHeadersKeepEveryValueInOrder() {
        String url = "/socket.io/?EIO=4";
        String packed = PackedHeaders.pack(url, List.of(Map.entry("Host", "a:3000"), Map.entry("Cookie", "x=1"),
                Map.entry("X-Trace", "one"), Map.entry("x-trace", "two")));
        int from = url.length() + 1;

        assertEquals(Map.of("host", List.of("a:3000"), "cookie", List.of("x=1"), "x-trace", List.of("one", "two")),
                PackedHeaders.unpack(packed, from));
        assertEquals(List.of("host", "cookie", "x-trace"), List.copyOf(PackedHeaders.unpack(packed, from).keySet()));
    }

    @Test
    void firstFindsAWholeNameInAnyCaseAndValuesMayHoldColons() {
        String packed = PackedHeaders.pack("", List.of(Map.entry("Hostname", "no"), Map.entry("Host", "a:3000"),
                Map.entry("Empty", "")));

        assertEquals("a:3000", PackedHeaders.first(packed, 1, "HOST"));
        assertEquals("no", PackedHeaders.first(packed, 1, "hostname"));
        assertEquals("", PackedHeaders.first(packed, 1, "empty"));
        assertNull(PackedHeaders.first(packed, 1, "hos"));
        assertNull(PackedHeaders.first("", 1, "host"));
    }

    @Test
    void requestReadsItsQueryFromTheUrl() {
        HandshakeRequest request = new HandshakeRequest("GET", "/socket.io/?EIO=4&transport=polling&t=a&t=b%20c",
                Map.of("Origin", List.of("http://x")), null, false, 0);

        assertEquals("4", request.queryParam("EIO"));
        assertEquals(List.of("a", "b c"), request.query().get("t"));
        assertEquals("http://x", request.header("origin"));
        assertNull(request.queryParam("sid"));
        assertEquals("/socket.io/?EIO=4&transport=polling&t=a&t=b%20c", request.url());
    }

    @Test
    void aUrlThatLooksLikeAHeaderIsNoHeader() {
        HandshakeRequest request = new HandshakeRequest("GET", "cookie:stolen", Map.of("Host", List.of("h")), null,
                false, 0);

        assertNull(request.header("cookie"));
        assertEquals(Map.of("host", List.of("h")), request.headers());
        assertEquals("cookie:stolen", request.url());
    }

    @Test
    void theQueryIsReadFromTheUrlOnlyNeverFromTheHeadersPackedAfterIt() {
        HandshakeRequest bare = new HandshakeRequest("GET", "/socket.io/", Map.of("Referer", List.of("/?EIO=4")), null,
                false, 0);
        assertNull(bare.queryParam("EIO"));

        HandshakeRequest cut = new HandshakeRequest("GET", "/socket.io/?EIO=4", Map.of("X", List.of("&sid=abc")),
                null, false, 0);
        assertEquals("4", cut.queryParam("EIO"));
        assertNull(cut.queryParam("sid"));
    }
}
