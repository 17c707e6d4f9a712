package io.switchboard.core;

/**
 * Refuses a namespace connection from a middleware: the client receives CONNECT_ERROR
 * {"message": message, "data": data}, as with an {@code Error} carrying {@code data} in the reference server.
 */
public class ConnectError extends RuntimeException {
    private final transient Object data;

    public ConnectError(String message) {
        this(message, null);
    }

    public ConnectError(String message, Object data) {
        super(message, null, false, false);
        this.data = data;
    }

    public Object data() {
        return data;
    }
}
