package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.switchboard.engine.HandshakeRequest;

class HandshakeTest {

    @Test
    void localHandshakeReadsEverythingFromTheEngineRequest() {
        HandshakeRequest request = new HandshakeRequest("GET", "/socket.io/?EIO=4&transport=websocket&room=a",
                Map.of("Origin", List.of("http://app"), "User-Agent", List.of("ua")),
                new InetSocketAddress("127.0.0.7", 5555), true, 1_764_100_000_000L);

        Handshake handshake = Handshake.of(request, null);

        assertEquals("127.0.0.7", handshake.address());
        assertEquals("ua", handshake.header("User-Agent"));
        assertEquals(List.of("http://app"), handshake.headers().get("origin"));
        assertEquals("a", handshake.queryParam("room"));
        assertEquals(List.of("websocket"), handshake.query().get("transport"));
        assertTrue(handshake.xdomain());
        assertTrue(handshake.secure());
        assertEquals(1_764_100_000_000L, handshake.issued());
        assertEquals(request.url(), handshake.url());
    }

    @Test
    void aConnectWithoutPayloadHasAnEmptyAuthThatStaysTheSameObject() {
        HandshakeRequest request = new HandshakeRequest("GET", "/socket.io/?EIO=4&transport=websocket", Map.of(),
                new InetSocketAddress("127.0.0.7", 5555), false, 1L);
        Handshake handshake = Handshake.of(request, null);

        assertTrue(handshake.auth().isEmpty());
        handshake.auth().put("seen", true);   // what an application puts there stays, as in Node
        assertSame(handshake.auth(), handshake.auth());
        assertTrue(handshake.auth().get("seen").asBoolean());
    }

    @Test
    void timeIsWrittenAsJavaScriptsDateToString() {
        // e.g. "Tue Nov 25 2025 19:46:40 GMT+0000 (Coordinated Universal Time)"
        assertTrue(Handshake.jsDate(1_764_100_000_000L)
                        .matches("[A-Z][a-z]{2} [A-Z][a-z]{2} \\d{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT[+-]\\d{4} \\(.+\\)"),
                Handshake.jsDate(1_764_100_000_000L));
    }

    @Test
    void remoteHandshakeKeepsWhatTheOtherNodeSent() {
        Handshake remote = new Handshake(Map.of("host", List.of("h")), Map.of("EIO", List.of("4")), null,
                "10.0.0.1", "then", 5, "/socket.io/", false, false);

        assertEquals("h", remote.header("Host"));
        assertEquals("4", remote.queryParam("EIO"));
        assertEquals("then", remote.time());
        assertFalse(remote.xdomain());
    }
}
