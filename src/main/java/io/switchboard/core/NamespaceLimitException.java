package io.switchboard.core;

/**
 * A CONNECT would create a dynamic namespace past {@link ServerOptions#maxNamespaces()}. Thrown often under attack:
 * one shared instance, without a stack trace.
 */
final class NamespaceLimitException extends RuntimeException {
    static final NamespaceLimitException INSTANCE = new NamespaceLimitException();

    private NamespaceLimitException() {
        super("namespace limit", null, false, false);
    }
}
