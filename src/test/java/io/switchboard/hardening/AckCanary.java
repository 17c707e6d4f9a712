package io.switchboard.hardening;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An ordinary client kept connected through an attack: one websocket on "/", an "echo" with ack every 200 ms, the
 * slowest round trip kept. The server must answer {@code echo} with its arguments as the ack.
 */
final class AckCanary implements AutoCloseable {
    final AtomicInteger roundTrips = new AtomicInteger();
    final AtomicLong slowestMillis = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final RawWebSocket ws;
    private final Thread thread;
    private volatile boolean running = true;

    private AckCanary(RawWebSocket ws) {
        this.ws = ws;
        this.thread = new Thread(this::run, "ack-canary");
    }

    static AckCanary start(int port) throws IOException {
        return start(port, "");
    }

    /** The same with a CONNECT payload such as {@code {"token":"..."}}. */
    static AckCanary start(int port, String auth) throws IOException {
        RawWebSocket ws = RawWebSocket.open(port, 0);
        ws.nextAnsweringPings();   // the open packet
        ws.sendText("40" + auth);
        String connect = ws.nextAnsweringPings();
        if (connect == null || !connect.startsWith("40{")) {
            ws.close();
            throw new IOException("the canary could not connect: " + connect);
        }
        AckCanary canary = new AckCanary(ws);
        canary.thread.start();
        return canary;
    }

    private void run() {
        int id = 0;
        while (running) {
            long start = System.nanoTime();
            try {
                ws.sendText("42" + id + "[\"echo\",\"ping\"]");
                String answer = ws.nextAnsweringPings();
                if (!("43" + id + "[\"ping\"]").equals(answer)) {
                    throw new AssertionError("unexpected answer " + answer);
                }
                roundTrips.incrementAndGet();
                slowestMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                id++;
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                if (running) {
                    failure.set(t);
                }
                return;
            }
        }
    }

    /** Fails unless the canary is still going with every round trip under the bound. */
    void assertHealthy(long boundMillis) {
        if (failure.get() != null) {
            throw new AssertionError("the canary failed", failure.get());
        }
        if (roundTrips.get() == 0 || slowestMillis.get() > boundMillis) {
            throw new AssertionError("canary: " + roundTrips.get() + " round trips, slowest " + slowestMillis.get()
                    + " ms (bound " + boundMillis + " ms)");
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        ws.close();
        thread.join(10_000);
    }
}
