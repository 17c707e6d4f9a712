package io.switchboard.server.adminui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Middleware;
import io.switchboard.core.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The Admin UI's login, as the reference's basic authentication: {@code auth: {sessionId}} of a live session opens
 * the namespace; else {@code auth: {username, password}} checked against the bcrypt hash, and on success a new
 * session id is stored and sent to the UI as the {@code session} event (it reconnects with it). Anything else is
 * refused with "invalid credentials", the message the UI shows.
 *
 * <p>bcrypt is slow on purpose (tens of ms): the checks run one at a time on {@code checker}, never on an event
 * loop, and past a short queue an attempt is refused at once, so that a flood of logins costs one core at most.
 */
public final class AdminUiAuthentication implements Middleware {
    static final String INVALID = "invalid credentials";
    private static final Logger log = LoggerFactory.getLogger(AdminUiAuthentication.class);

    private final byte[] username;
    private final String passwordHash;
    private final AdminUiSessions sessions;
    private final ExecutorService checker;
    private final SecureRandom random = new SecureRandom();

    public AdminUiAuthentication(String username, String passwordHash, AdminUiSessions sessions,
                                 ExecutorService checker) {
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.passwordHash = passwordHash;
        this.sessions = sessions;
        this.checker = checker;
    }

    @Override
    public void handle(Socket socket, Consumer<Exception> next) {
        JsonNode auth = socket.handshake().auth();
        String sessionId = text(auth, "sessionId");
        if (sessionId != null) {
            sessions.exists(sessionId).whenComplete((live, error) -> {
                if (error == null && live) {
                    next.accept(null);
                } else {
                    if (error != null) {
                        log.warn("admin UI: the session store failed: {}", error.toString());
                    }
                    withCredentials(socket, auth, next);
                }
            });
            return;
        }
        withCredentials(socket, auth, next);
    }

    private void withCredentials(Socket socket, JsonNode auth, Consumer<Exception> next) {
        String user = text(auth, "username");
        String password = text(auth, "password");
        if (user == null || password == null) {
            next.accept(refusal());
            return;
        }
        try {
            checker.execute(() -> {
                boolean userMatches = MessageDigest.isEqual(username, user.getBytes(StandardCharsets.UTF_8));
                // the hash is checked whatever the user name, so that a wrong name takes as long as a wrong password
                boolean passwordMatches = matches(password);
                if (userMatches && passwordMatches) {
                    open(socket, next);
                } else {
                    log.warn("admin UI: refused a login from {}: invalid credentials", socket.handshake().address());
                    next.accept(refusal());
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("admin UI: refused a login from {}: too many logins waiting", socket.handshake().address());
            next.accept(refusal());
        }
    }

    private boolean matches(String password) {
        try {
            return BCrypt.checkpw(password, passwordHash);
        } catch (IllegalArgumentException e) {
            return false;   // a password bcrypt cannot take (over 72 bytes)
        }
    }

    private void open(Socket socket, Consumer<Exception> next) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String sessionId = HexFormat.of().formatHex(bytes);
        // stored before the namespace opens: the UI may reconnect to another node at once
        sessions.save(sessionId).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("admin UI: the session store failed, the session serves no reconnection: {}",
                        error.toString());
            }
            socket.emit("session", sessionId);   // held back until the CONNECT reply has gone
            next.accept(null);
        });
    }

    private static String text(JsonNode auth, String field) {
        JsonNode value = auth == null ? null : auth.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static ConnectError refusal() {
        return new ConnectError(INVALID);
    }
}
