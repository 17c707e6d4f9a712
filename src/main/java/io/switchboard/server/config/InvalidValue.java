package io.switchboard.server.config;

/** A value a type refuses; {@code allowed} says what would have been accepted. */
final class InvalidValue extends Exception {
    private final String allowed;

    InvalidValue(String allowed) {
        super(allowed, null, false, false);
        this.allowed = allowed;
    }

    String allowed() {
        return allowed;
    }
}
