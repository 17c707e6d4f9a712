package io.switchboard.core;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchboard.engine.HandshakeRequest;

/**
 * The details of the handshake of a namespace connection, as the reference server's {@code socket.handshake}:
 * headers of the first HTTP request, its query, the CONNECT payload ({@code auth}) and when it all happened.
 * A local socket's handshake reads from the Engine.IO request it keeps (nothing copied per socket); one fetched
 * from another node carries what that node sent.
 */
public final class Handshake {
    /** JavaScript's {@code Date.prototype.toString()}, which is what the reference server puts in {@code time}. */
    private static final DateTimeFormatter JS_DATE =
            DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'xx '('zzzz')'", Locale.US);

    private final HandshakeRequest request;
    private final Map<String, List<String>> headers;
    private final Map<String, List<String>> query;
    private final ObjectNode auth;
    private final String address;
    private final String time;
    private final long issued;
    private final String url;
    private final boolean secure;
    private final boolean xdomain;

    /** A handshake as another node reported it. */
    public Handshake(Map<String, List<String>> headers, Map<String, List<String>> query, ObjectNode auth,
                     String address, String time, long issued, String url, boolean secure, boolean xdomain) {
        this.request = null;
        this.headers = Map.copyOf(headers);
        this.query = Map.copyOf(query);
        this.auth = auth;
        this.address = address;
        this.time = time;
        this.issued = issued;
        this.url = url;
        this.secure = secure;
        this.xdomain = xdomain;
    }

    private Handshake(HandshakeRequest request, ObjectNode auth) {
        this.request = request;
        this.headers = null;
        this.query = null;
        this.auth = auth;
        this.address = null;
        this.time = null;
        this.issued = request.time();
        this.url = request.url();
        this.secure = request.secure();
        this.xdomain = false;
    }

    static Handshake of(HandshakeRequest request, ObjectNode auth) {
        return new Handshake(request, auth);
    }

    /** The headers of the request that opened the connection, lower-case names. */
    public Map<String, List<String>> headers() {
        return request != null ? request.headers() : headers;
    }

    public Map<String, List<String>> query() {
        return request != null ? request.query() : query;
    }

    /** The CONNECT payload of this namespace connection; may be null. */
    public ObjectNode auth() {
        return auth;
    }

    /** The client's IP address. */
    public String address() {
        if (request == null) {
            return address;
        }
        InetSocketAddress remote = request.remoteAddress();
        return remote == null ? "" : remote.getAddress() != null
                ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** When the connection opened, as JavaScript's {@code Date.toString()} writes it. */
    public String time() {
        return request != null ? jsDate(issued) : time;
    }

    /** When the connection opened, in epoch milliseconds. */
    public long issued() {
        return issued;
    }

    public String url() {
        return url;
    }

    public boolean secure() {
        return secure;
    }

    /** Whether the request was cross-origin (it carried an Origin header). */
    public boolean xdomain() {
        return request != null ? request.header("origin") != null : xdomain;
    }

    public String header(String name) {
        if (request != null) {
            return request.header(name);
        }
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String queryParam(String name) {
        if (request != null) {
            return request.queryParam(name);
        }
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static String jsDate(long epochMillis) {
        return JS_DATE.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
    }
}
