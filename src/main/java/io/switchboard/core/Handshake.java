package io.switchboard.core;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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

    /** The Engine.IO request of a local socket; null for one another node reported. */
    private final HandshakeRequest request;
    /** What another node reported; null for a local socket. */
    private final Reported reported;
    /** A local socket's CONNECT payload; an empty object made when first asked for, if the client sent none. */
    private volatile ObjectNode auth;

    /** A handshake as another node reported it. */
    public Handshake(Map<String, List<String>> headers, Map<String, List<String>> query, ObjectNode auth,
                     String address, String time, long issued, String url, boolean secure, boolean xdomain) {
        this.request = null;
        this.reported = new Reported(Map.copyOf(headers), Map.copyOf(query), auth, address, time, issued, url, secure,
                xdomain);
    }

    private Handshake(HandshakeRequest request, ObjectNode auth) {
        this.request = request;
        this.reported = null;
        this.auth = auth;
    }

    /** A local socket's handshake; {@code auth} null when the CONNECT carried no payload. */
    static Handshake of(HandshakeRequest request, ObjectNode auth) {
        return new Handshake(request, auth);
    }

    /** The headers of the request that opened the connection, lower-case names. */
    public Map<String, List<String>> headers() {
        return request != null ? request.headers() : reported.headers();
    }

    public Map<String, List<String>> query() {
        return request != null ? request.query() : reported.query();
    }

    /**
     * The CONNECT payload of this namespace connection: an empty object when a local client sent none (made at the
     * first call: most sockets are never asked); may be null for one another node reported.
     */
    public ObjectNode auth() {
        if (request == null) {
            return reported.auth();
        }
        ObjectNode current = auth;
        if (current == null) {
            synchronized (this) {
                if (auth == null) {
                    auth = JsonNodeFactory.instance.objectNode();
                }
                current = auth;
            }
        }
        return current;
    }

    /** The client's IP address. */
    public String address() {
        if (request == null) {
            return reported.address();
        }
        InetSocketAddress remote = request.remoteAddress();
        return remote == null ? "" : remote.getAddress() != null
                ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /** When the connection opened, as JavaScript's {@code Date.toString()} writes it. */
    public String time() {
        return request != null ? jsDate(request.time()) : reported.time();
    }

    /** When the connection opened, in epoch milliseconds. */
    public long issued() {
        return request != null ? request.time() : reported.issued();
    }

    public String url() {
        return request != null ? request.url() : reported.url();
    }

    public boolean secure() {
        return request != null ? request.secure() : reported.secure();
    }

    /** Whether the request was cross-origin (it carried an Origin header). */
    public boolean xdomain() {
        return request != null ? request.header("origin") != null : reported.xdomain();
    }

    public String header(String name) {
        if (request != null) {
            return request.header(name);
        }
        List<String> values = reported.headers().get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String queryParam(String name) {
        if (request != null) {
            return request.queryParam(name);
        }
        List<String> values = reported.query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private record Reported(Map<String, List<String>> headers, Map<String, List<String>> query, ObjectNode auth,
                            String address, String time, long issued, String url, boolean secure, boolean xdomain) {
    }

    static String jsDate(long epochMillis) {
        return JS_DATE.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
    }
}
