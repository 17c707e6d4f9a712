package io.switchboard.core;

/**
 * Runs for each incoming event of one socket before its handlers; {@code next.accept(null)} goes on,
 * {@code next.accept(error)} drops the event and hands the error to the socket's error listeners.
 */
@FunctionalInterface
public interface PacketMiddleware {
    void handle(Event event, java.util.function.Consumer<Exception> next);
}
