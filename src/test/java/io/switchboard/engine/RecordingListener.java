package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a session tells the layer above, into queues and futures a test can wait on. */
final class RecordingListener implements SessionListener {
    /** One onClose call. */
    record Close(String reason, String description, long atNanos) {
    }

    final EngineSession session;
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final AtomicInteger closeCalls = new AtomicInteger();

    RecordingListener(EngineSession session) {
        this.session = session;
    }

    @Override
    public void onMessage(String text) {
        messages.add(text);
    }

    @Override
    public void onBinary(byte[] data) {
        binaries.add(data);
    }

    @Override
    public void onClose(String reason, String description) {
        closeCalls.incrementAndGet();
        closed.complete(new Close(reason, description, System.nanoTime()));
    }

    String nextMessage() throws InterruptedException {
        String message = messages.poll(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(message, "no message reached the listener");
        return message;
    }

    byte[] nextBinary() throws InterruptedException {
        byte[] data = binaries.poll(TestServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(data, "no binary message reached the listener");
        return data;
    }

    Close awaitClose() throws Exception {
        return TestServer.await(closed);
    }

    /** Waits for the close and asserts its reason. */
    Close assertClosed(String reason) throws Exception {
        Close close = awaitClose();
        assertEquals(reason, close.reason(), "close reason (description: " + close.description() + ")");
        return close;
    }
}
