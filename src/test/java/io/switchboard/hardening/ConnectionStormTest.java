package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of handshakes as fast as the machine allows, of the kinds that leave a server holding something: polling
 * sessions never polled again, websockets that go silent (some connected to a namespace, some never reading at
 * all), upgrade probes abandoned half way, and connections dropped in the middle of a request. Once the heartbeat
 * and upgrade timeouts have run out, the server holds no session, no socket, no connection and no file, and an
 * ordinary client could connect and echo all along.
 */
class ConnectionStormTest {
    private static final int POLLING_ABANDONED = 2_000;
    private static final int SILENT_WEBSOCKETS = 1_000;
    private static final int UNREAD_WEBSOCKETS = 1_000;
    private static final int ABANDONED_PROBES = 500;
    private static final int DROPPED_REQUESTS = 500;
    private static final int STORM_THREADS = 32;

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final List<Socket> heldOpen = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentHashMap<String, AtomicInteger> closeReasons = new ConcurrentHashMap<>();
    private Server server;
    private ExecutorService pool;

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        closeAll(heldOpen);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStormOfAbandonedConnectionsLeavesNothingBehind() throws Exception {
        EngineObserver observer = new EngineObserver() {
            @Override
            public void sessionOpened(EngineSession session) {
                opened.incrementAndGet();
            }

            @Override
            public void sessionClosed(EngineSession session, String reason) {
                closed.incrementAndGet();
                closeReasons.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
            }
        };
        EngineOptions engine = new EngineOptions().pingInterval(2_000).pingTimeout(1_000).upgradeTimeout(1_000)
                .observer(observer);
        server = new Server(new ServerOptions().engine(engine).connectTimeout(2_000));
        server.sockets().onConnection(socket -> socket.on("echo", event -> event.ack(event.argsArray())));
        int port = server.start("127.0.0.1", 0).getPort();
        long baselineFiles = OpenFiles.count();

        // an ordinary client connects and echoes all through the storm
        EchoProbe probe = new EchoProbe(port);
        Thread prober = new Thread(probe, "echo-probe");
        prober.start();

        pool = Executors.newFixedThreadPool(STORM_THREADS);
        List<Future<?>> storm = new ArrayList<>();
        long start = System.nanoTime();
        List<ThrowingTask> tasks = new ArrayList<>();
        tasks.addAll(Collections.nCopies(POLLING_ABANDONED, () -> pollingHandshake(port)));
        tasks.addAll(Collections.nCopies(SILENT_WEBSOCKETS, () -> silentWebSocket(port)));
        tasks.addAll(Collections.nCopies(UNREAD_WEBSOCKETS, () -> unreadWebSocket(port)));
        tasks.addAll(Collections.nCopies(ABANDONED_PROBES, () -> abandonedProbe(port)));
        tasks.addAll(Collections.nCopies(DROPPED_REQUESTS, () -> droppedRequest(port)));
        // the kinds mixed, as they would come from many misbehaving clients at once
        Collections.shuffle(tasks, new Random(7));
        for (ThrowingTask task : tasks) {
            storm.add(pool.submit(() -> {
                task.run();
                return null;
            }));
        }
        for (Future<?> f : storm) {
            f.get(5, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int handshakes = POLLING_ABANDONED + SILENT_WEBSOCKETS + UNREAD_WEBSOCKETS + ABANDONED_PROBES;
        long peakFiles = OpenFiles.count();

        // the timeouts run out while the probe keeps going; it holds at most one session and connection itself
        Eventually.waitUntil(60_000, () -> server.engine().sessionCount() <= 1
                && server.sockets().localSockets().size() <= 1 && serverConnections(port) <= 1);
        probe.stop();
        prober.join(30_000);
        Eventually.waitUntil(30_000, () -> server.engine().sessionCount() == 0
                && server.sockets().localSockets().isEmpty() && serverConnections(port) == 0);
        closeAll(heldOpen);
        Eventually.waitUntil(30_000, () -> OpenFiles.count() <= baselineFiles + 20);

        String report = String.format("%d handshakes (+%d dropped requests) in %.1f s: %.0f handshakes/s;"
                        + " probes answered %d; sessions opened %d, closed %d %s; open files baseline %d, peak %d, end %d;"
                        + " echo probe %d round trips, slowest %d ms", handshakes, DROPPED_REQUESTS, seconds,
                handshakes / seconds, probesAnswered.get(), opened.get(), closed.get(), closeReasons, baselineFiles, peakFiles,
                OpenFiles.count(), probe.roundTrips.get(), probe.slowestMillis.get());
        System.out.println("ConnectionStormTest " + report);

        assertEquals(null, probe.failure.get(), report);
        assertTrue(probe.roundTrips.get() > 0, report);
        assertTrue(probesAnswered.get() > 0, "no probe was answered, so none was abandoned: " + report);
        assertEquals(0, server.engine().sessionCount(), report);
        assertEquals(0, server.sockets().localSockets().size(), report);
        assertEquals(0, serverConnections(port), report);
        assertEquals(opened.get(), closed.get(), report);
        assertTrue(opened.get() >= handshakes, report);
    }

    @FunctionalInterface
    private interface ThrowingTask {
        void run() throws Exception;
    }

    /** A polling handshake, never followed by a GET: the server's ping goes unanswered. */
    private static void pollingHandshake(int port) throws IOException {
        PlainHttp.Response open = PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling");
        assertEquals(200, open.status(), open.body());
    }

    /** Connects to "/" over a websocket, then neither reads nor answers pings. */
    private void silentWebSocket(int port) throws IOException {
        RawWebSocket ws = RawWebSocket.open(port, 0);
        heldOpen.add(ws.socket);
        ws.readText();
        ws.sendText("40");
    }

    /** Completes the Engine.IO handshake over a websocket and then never reads its connection again. */
    private void unreadWebSocket(int port) throws IOException {
        RawWebSocket ws = RawWebSocket.open(port, 0);
        heldOpen.add(ws.socket);
        ws.readText();
    }

    /** A polling session whose websocket probe is answered, and never followed by the upgrade. */
    private void abandonedProbe(int port) throws IOException {
        PlainHttp.Response open = PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling");
        String sid = Sids.of(open.body());
        RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket&sid=" + sid, 0);
        heldOpen.add(ws.socket);
        ws.sendText("2probe");
        String pong = ws.readText();
        if (pong == null) {
            // a slow machine: the session had timed out by the time its probe came, and the server said so
            return;
        }
        assertEquals("3probe", pong);
        probesAnswered.incrementAndGet();
    }

    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger probesAnswered = new AtomicInteger();

    /** A request cut off after part of its head, or part of its body, by the client closing the connection. */
    private void droppedRequest(int port) throws IOException {
        String partial = dropped.getAndIncrement() % 2 == 0
                ? "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                : "POST /socket.io/?EIO=4&transport=polling&sid=none HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: 1000\r\n\r\n40";
        try (Socket socket = PlainHttp.connect(port)) {
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }
    }

    private static int serverConnections(int port) {
        try {
            return TcpTable.heldByServer(port).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void closeAll(List<Socket> sockets) {
        synchronized (sockets) {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already gone
                }
            }
            sockets.clear();
        }
    }

    /** Connects, echoes and disconnects over and over, as an ordinary client would during the storm. */
    private static final class EchoProbe implements Runnable {
        final AtomicInteger roundTrips = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong slowestMillis = new java.util.concurrent.atomic.AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final int port;
        private volatile boolean running = true;

        EchoProbe(int port) {
            this.port = port;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            while (running && failure.get() == null) {
                long start = System.nanoTime();
                try {
                    try (RawWebSocket ws = RawWebSocket.open(port, 0)) {
                        ws.nextAnsweringPings();
                        ws.sendText("40");
                        String connect = ws.nextAnsweringPings();
                        assertTrue(connect.startsWith("40{"), connect);
                        ws.sendText("420[\"echo\",\"hello\"]");
                        assertEquals("430[\"hello\"]", ws.nextAnsweringPings());
                        ws.sendText("41");
                    }
                    roundTrips.incrementAndGet();
                    slowestMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    failure.set(t);
                }
            }
        }
    }
}
