package io.switchboard.server.auth;

/** A refused handshake: the client sees {@code message}, with {@code data.code}; {@code detail} is only logged. */
public final class AuthException extends RuntimeException {
    public static final String AUTH_REQUIRED = "auth_required";
    public static final String INVALID_TOKEN = "invalid_token";
    public static final String TOKEN_EXPIRED = "token_expired";

    private final String code;
    private final String detail;

    private AuthException(String message, String code, String detail) {
        super(message, null, false, false);
        this.code = code;
        this.detail = detail;
    }

    public static AuthException required() {
        return new AuthException("Authentication required", AUTH_REQUIRED, "no token");
    }

    public static AuthException invalid(String detail) {
        return new AuthException("Invalid token", INVALID_TOKEN, detail);
    }

    public static AuthException expired(String detail) {
        return new AuthException("Token expired", TOKEN_EXPIRED, detail);
    }

    public String code() {
        return code;
    }

    /** Why, for the log (never sent to the client). */
    public String detail() {
        return detail;
    }
}
