package io.switchboard.adapter.redis;

/** A cluster operation could not be carried out because Redis could not be reached (or the adapter is closed). */
public final class RedisAdapterException extends RuntimeException {
    public RedisAdapterException(String message, Throwable cause) {
        super(message, cause);
    }
}
