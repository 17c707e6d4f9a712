package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * What the server knew of the request that opened a session, copied out of Netty so that it can be kept and handed
 * to upper layers. Header names are lower case. Kept compact (the url and the headers packed in one string, the
 * query read from the url when asked) because every idle connection holds one.
 */
public final class HandshakeRequest {
    private final String method;
    /** The url, a line break, then the headers as {@link PackedHeaders} packs them. */
    private final String head;
    private final int urlLength;
    private final InetSocketAddress remoteAddress;
    private final boolean secure;
    private final long time;

    public HandshakeRequest(String method, String url, Map<String, List<String>> headers,
                            InetSocketAddress remoteAddress, boolean secure, long time) {
        this(method, url.length(), PackedHeaders.pack(url, headers), remoteAddress, secure, time);
    }

    private HandshakeRequest(String method, int urlLength, String head, InetSocketAddress remoteAddress,
                             boolean secure, long time) {
        this.method = method;
        this.urlLength = urlLength;
        this.head = head;
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.time = time;
    }

    /** From Netty's request: the headers are packed, nothing of Netty's is kept. */
    static HandshakeRequest of(String method, String url,
                               Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers,
                               InetSocketAddress remoteAddress, boolean secure, long time) {
        return new HandshakeRequest(method, url.length(), PackedHeaders.pack(url, headers), remoteAddress, secure,
                time);
    }

    public String method() {
        return method;
    }

    /** The request's url, cut from the packed head on each call. */
    public String url() {
        return head.substring(0, urlLength);
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public boolean secure() {
        return secure;
    }

    /** When the request arrived, in epoch milliseconds. */
    public long time() {
        return time;
    }

    /** The query parameters, decoded from the url on each call. */
    public Map<String, List<String>> query() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        new QueryStringDecoder(url()).parameters().forEach((name, values) -> query.put(name, List.copyOf(values)));
        return Collections.unmodifiableMap(query);
    }

    /** Every header (lower-case names), rebuilt on each call. */
    public Map<String, List<String>> headers() {
        return PackedHeaders.unpack(head, urlLength + 1);
    }

    /** The first value of a query parameter, found without decoding the whole query: a handshake asks for one. */
    public String queryParam(String name) {
        return QueryParams.first(head, urlLength, name);
    }

    public String header(String name) {
        return PackedHeaders.first(head, urlLength + 1, name);
    }
}
