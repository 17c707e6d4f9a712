package io.switchboard.core;

/** A join that would put a socket in more rooms than {@link ServerOptions#maxRoomsPerSocket()} allows. */
public final class TooManyRoomsException extends IllegalStateException {
    private final int limit;

    public TooManyRoomsException(int limit) {
        super("Too many rooms (at most " + limit + " per socket)");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
