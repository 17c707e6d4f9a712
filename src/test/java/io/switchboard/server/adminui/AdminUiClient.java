package io.switchboard.server.adminui;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;

/** A Java socket.io client in the Admin UI's place: it records every event the admin namespace sends it. */
final class AdminUiClient {
    static final String[] EVENTS = {"session", "config", "server_stats", "all_sockets", "socket_connected",
        "socket_updated", "socket_disconnected", "room_joined", "room_left", "event_received", "event_sent"};

    final Socket socket;
    private final Map<String, BlockingQueue<Object[]>> received = new ConcurrentHashMap<>();

    AdminUiClient(OpsTestSupport support, SwitchboardServer server, String namespace, Map<String, String> auth) {
        socket = support.socket(server, namespace, auth);
        for (String event : EVENTS) {
            BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
            received.put(event, queue);
            socket.on(event, queue::add);
        }
    }

    /** The next arguments of this event that match, waiting up to the tests' WAIT; fails if none comes. */
    Object[] next(String event, Predicate<Object[]> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(OpsTestSupport.WAIT);
        BlockingQueue<Object[]> queue = received.get(event);
        while (true) {
            long left = deadline - System.nanoTime();
            Object[] args = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (args == null) {
                throw new AssertionError("no " + event + " came within " + OpsTestSupport.WAIT + " s");
            }
            if (matching.test(args)) {
                return args;
            }
        }
    }

    Object[] next(String event) throws InterruptedException {
        return next(event, args -> true);
    }

    /** Whether an event of this name came so far (nothing waited for). */
    boolean got(String event) {
        return !received.get(event).isEmpty();
    }
}
