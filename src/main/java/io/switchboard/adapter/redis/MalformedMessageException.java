package io.switchboard.adapter.redis;

/** A message from Redis that does not have the shape the protocol gives it; it is dropped and counted. */
final class MalformedMessageException extends RuntimeException {
    MalformedMessageException(String message) {
        super(message, null, false, false);
    }

    MalformedMessageException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
