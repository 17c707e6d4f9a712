package io.switchboard.server;

/** The server cannot start for a reason other than its configuration (port taken, Redis unreachable, ...). */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
