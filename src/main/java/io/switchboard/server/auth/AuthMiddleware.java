package io.switchboard.server.auth;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Handshake;
import io.switchboard.core.Middleware;
import io.switchboard.core.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every socket of a namespace not exempt: the token comes from the CONNECT payload's {@code token},
 * else the handshake's {@code Authorization: Bearer} header, else (when enabled) a query parameter. A valid token's
 * claims go to {@code socket.data().get("user")}; otherwise the client gets a connect_error with
 * {@code data.code} auth_required, invalid_token or token_expired. Verification may fetch keys: the decision is
 * passed on from whichever thread has it.
 *
 * <p>{@link #joinIdentityRooms}, the first connection handler, puts an accepted socket in its {@code user:} and
 * {@code org:} rooms; the CONNECT reply waits for the connection handlers, so a client that sees "connect" (and the
 * backend it tells) finds the socket in its rooms.
 */
public final class AuthMiddleware implements Middleware {
    private static final Logger log = LoggerFactory.getLogger(AuthMiddleware.class);

    private final AuthSettings settings;
    private final JwtVerifier verifier;

    public AuthMiddleware(AuthSettings settings, JwtVerifier verifier) {
        this.settings = settings;
        this.verifier = verifier;
    }

    @Override
    public void handle(Socket socket, Consumer<Exception> next) {
        if (settings.exempt(socket.namespace().name())) {
            next.accept(null);
            return;
        }
        String token = token(socket.handshake());
        if (token == null) {
            next.accept(refusal(socket, AuthException.required()));
            return;
        }
        verifier.verify(token).whenComplete((claims, error) -> {
            if (error != null) {
                next.accept(refusal(socket, error));
            } else {
                socket.data().put(Identity.DATA_KEY, claims);
                next.accept(null);
            }
        });
    }

    /** A connection handler: an authenticated socket joins its user: and org: rooms. */
    @SuppressWarnings("unchecked")
    public void joinIdentityRooms(Socket socket) {
        if (socket.data(Identity.DATA_KEY) instanceof Map<?, ?> claims) {
            socket.join(Identity.of((Map<String, Object>) claims, settings.claims()).autoRooms());
        }
    }

    /** The token of a handshake, or null when it carries none. */
    String token(Handshake handshake) {
        JsonNode fromAuth = handshake.auth() == null ? null : handshake.auth().get("token");
        if (fromAuth != null && fromAuth.isTextual() && !fromAuth.asText().isBlank()) {
            return stripBearer(fromAuth.asText().trim());
        }
        String header = handshake.header("authorization");
        if (header != null) {
            String trimmed = header.trim();
            if (trimmed.length() > 7 && trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                String value = trimmed.substring(7).trim();
                if (!value.isEmpty()) {
                    return value;
                }
            }
        }
        if (settings.queryToken()) {
            String value = handshake.queryParam(settings.queryTokenParam());
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private static String stripBearer(String token) {
        return token.regionMatches(true, 0, "Bearer ", 0, 7) ? token.substring(7).trim() : token;
    }

    private static ConnectError refusal(Socket socket, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        AuthException refusal = cause instanceof AuthException auth ? auth
                : AuthException.invalid("verification failed: " + cause);
        log.debug("refused a connection to {} from {}: {} ({})", socket.namespace().name(),
                socket.handshake().address(), refusal.getMessage(), refusal.detail());
        return new ConnectError(refusal.getMessage(), Map.of("code", refusal.code()));
    }
}
