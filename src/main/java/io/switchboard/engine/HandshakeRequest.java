package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What the server knew of the request that opened a session, copied out of Netty so that it can be kept
 * and handed to upper layers. Header names are lower case.
 */
public record HandshakeRequest(
        String method,
        String url,
        Map<String, List<String>> query,
        Map<String, List<String>> headers,
        InetSocketAddress remoteAddress,
        boolean secure,
        long time) {

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
