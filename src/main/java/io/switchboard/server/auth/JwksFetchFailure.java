package io.switchboard.server.auth;

/** A JWKS fetch that failed for a known reason, one of {@link JwksKeys#FAILURE_REASONS}. */
final class JwksFetchFailure extends RuntimeException {
    private final String reason;

    JwksFetchFailure(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
