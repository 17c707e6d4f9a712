package io.switchboard.core;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The details of the handshake of a namespace connection, as the reference server's {@code socket.handshake}:
 * headers of the first HTTP request, its query, the CONNECT payload ({@code auth}) and when it all happened.
 */
public record Handshake(
        Map<String, List<String>> headers,
        Map<String, List<String>> query,
        ObjectNode auth,
        String address,
        String time,
        long issued,
        String url,
        boolean secure,
        boolean xdomain) {

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static Handshake of(io.switchboard.engine.HandshakeRequest request, ObjectNode auth) {
        InetSocketAddress remote = request.remoteAddress();
        String address = remote == null ? "" : remote.getAddress() != null
                ? remote.getAddress().getHostAddress() : remote.getHostString();
        return new Handshake(request.headers(), request.query(), auth, address,
                new java.util.Date(request.time()).toString(), request.time(), request.url(), request.secure(),
                request.header("origin") != null);
    }
}
