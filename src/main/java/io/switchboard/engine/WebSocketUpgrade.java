package io.switchboard.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The server's answer to a websocket upgrade without extensions (RFC 6455 section 4.2.2), written as bytes below
 * the HTTP codec: a {@code 101} needs none of an HTTP response object's machinery, and the connection stops being
 * HTTP with it.
 */
final class WebSocketUpgrade {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] HEAD = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private WebSocketUpgrade() {
    }

    /** The websocket versions whose framing this server speaks: RFC 6455's 13, and draft 10's 8 (the same). */
    static boolean supportedVersion(String version) {
        return "13".equals(version) || "8".equals(version);
    }

    /** The {@code 101 Switching Protocols} answer to a request with this {@code Sec-WebSocket-Key}. */
    static ByteBuf response(String key) {
        byte[] accept = accept(key).getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer(HEAD.length + accept.length + END.length);
        return out.writeBytes(HEAD).writeBytes(accept).writeBytes(END);
    }

    /** Base64 of the SHA-1 of the key and the RFC's GUID. */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
