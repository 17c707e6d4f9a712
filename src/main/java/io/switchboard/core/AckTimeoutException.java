package io.switchboard.core;

/** No acknowledgement arrived within the timeout of the emit. */
public final class AckTimeoutException extends RuntimeException {
    public AckTimeoutException(String message) {
        super(message, null, false, false);
    }
}
