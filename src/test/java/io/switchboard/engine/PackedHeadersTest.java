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
}
