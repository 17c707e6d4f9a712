package io.switchboard.engine;

/** One HTTP request of the polling transport, waiting for its response. Responding twice is ignored. */
interface PollExchange {
    /** 200 with a text/plain payload. */
    void respondPayload(String payload);

    /**
     * Whether this exchange can answer with {@link #respondBinaryPayload}; one that cannot (a poll relayed from
     * another node) gets an Engine.IO 3 client's binary packets as base64 in a string payload, which every v3 client
     * reads.
     */
    default boolean takesBinary() {
        return false;
    }

    /**
     * 200 with an application/octet-stream payload: the binary payload of Engine.IO 3 (an XHR2 client that did not
     * ask for {@code b64}); only called where {@link #takesBinary()}.
     */
    default void respondBinaryPayload(byte[] payload) {
        throw new UnsupportedOperationException("this exchange takes no binary payload");
    }

    /** 200 "ok", the answer to a POST. */
    void respondOk();

    /** An Engine.IO error as HTTP status and JSON body. */
    void respondError(EngineError error);

    /** A bare status, for 413 and the like. */
    void respondStatus(int status);

    /** When the request was read ({@link System#nanoTime}), to tell which of two overlapping GETs came first. */
    default long arrivedAt() {
        return 0;
    }

    /** Runs the callback (on any thread) if the client drops the request before it is answered. */
    void onAbort(Runnable callback);
}
