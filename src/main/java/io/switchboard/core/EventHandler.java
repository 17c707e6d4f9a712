package io.switchboard.core;

/** Handles one incoming event of a socket. */
@FunctionalInterface
public interface EventHandler {
    void handle(Event event);
}
