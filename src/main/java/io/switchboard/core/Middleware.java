package io.switchboard.core;

/**
 * Runs before a socket joins a namespace, in the order added; may finish asynchronously on any thread.
 * Call {@code next.accept(null)} to go on, or {@code next.accept(error)} to refuse the connection (use
 * {@link ConnectError} to send data along).
 */
@FunctionalInterface
public interface Middleware {
    void handle(Socket socket, java.util.function.Consumer<Exception> next);
}
