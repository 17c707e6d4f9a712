package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A polling request as the session sees it, recording how (and how often) it was answered. */
final class FakePollExchange implements PollExchange {
    String payload;
    boolean ok;
    EngineError error;
    Integer status;
    int responses;
    long arrivedAt;
    private Runnable abort;

    FakePollExchange() {
    }

    /** A request read at the given time ({@link System#nanoTime} scale). */
    FakePollExchange(long arrivedAt) {
        this.arrivedAt = arrivedAt;
    }

    @Override
    public long arrivedAt() {
        return arrivedAt;
    }

    @Override
    public void respondPayload(String payload) {
        this.payload = payload;
        responses++;
    }

    @Override
    public void respondOk() {
        ok = true;
        responses++;
    }

    @Override
    public void respondError(EngineError error) {
        this.error = error;
        responses++;
    }

    @Override
    public void respondStatus(int status) {
        this.status = status;
        responses++;
    }

    @Override
    public void onAbort(Runnable callback) {
        abort = callback;
    }

    boolean answered() {
        return responses > 0;
    }

    /** The client went away before an answer. */
    void abort() {
        assertFalse(answered());
        abort.run();
    }

    void assertPayload(String expected) {
        assertEquals(1, responses, "answered once");
        assertEquals(expected, payload);
    }

    void assertError(EngineError expected) {
        assertEquals(1, responses, "answered once");
        assertEquals(expected, error);
    }
}
