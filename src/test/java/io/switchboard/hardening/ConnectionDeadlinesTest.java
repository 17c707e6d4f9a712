package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.engine.ConnectionRefusal;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections that never become sessions are closed by their deadlines: idle ones, slow request heads (slowloris,
 * however steadily they trickle), slow bodies, and websocket upgrades that never switch. The deadlines are short
 * here (1.5 s); every wait for them is generous.
 */
class ConnectionDeadlinesTest {
    private static final long DEADLINE = 1_500;
    private static final int IDLE = 600;
    private static final int SLOW_HEADS = 600;

    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final List<Socket> clients = Collections.synchronizedList(new ArrayList<>());
    private Server server;
    private int port;

    @AfterEach
    void tearDown() {
        closeAll();
        if (server != null) {
            server.close();
        }
    }

    private void start(EngineOptions engine) throws InterruptedException {
        engine.httpIdleTimeout(DEADLINE).requestHeadTimeout(DEADLINE).httpRequestBodyTimeout(DEADLINE)
                .websocketHandshakeTimeout(DEADLINE).observer(new EngineObserver() {
                    @Override
                    public void connectionRefused(String reason) {
                        refusals.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
                    }
                });
        server = new Server(new ServerOptions().engine(engine));
        server.sockets().onConnection(socket -> socket.on("echo", event -> event.ack(event.argsArray())));
        port = server.start("127.0.0.1", 0).getPort();
    }

    private int refused(String reason) {
        AtomicInteger count = refusals.get(reason);
        return count == null ? 0 : count.get();
    }

    @Test
    void idleConnectionsAndSlowRequestHeadsAreClosedWhileAClientStaysServed() throws Exception {
        start(new EngineOptions());
        AckCanary canary = AckCanary.start(port);
        long baselineFiles = OpenFiles.count();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < IDLE + SLOW_HEADS; i++) {
            Socket socket = PlainHttp.connect(port);
            clients.add(socket);
            if (i % 2 == 0) {
                socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n").getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
        }
        long peakFiles = OpenFiles.count();
        // slowloris: another header line every 300 ms keeps each head growing, and never finishes it
        Thread trickler = new Thread(() -> trickle(slow), "slowloris");
        trickler.start();
        try {
            Eventually.waitUntil(30_000, () -> serverConnections() <= 1);   // only the canary's is left
        } finally {
            trickler.interrupt();
            trickler.join(10_000);
        }
        canary.assertHealthy(5_000);
        canary.close();
        assertTrue(refused(ConnectionRefusal.IDLE_TIMEOUT) >= IDLE, refusals.toString());
        assertTrue(refused(ConnectionRefusal.REQUEST_TIMEOUT) >= SLOW_HEADS, refusals.toString());
        closeAll();
        Eventually.waitUntil(30_000, () -> OpenFiles.count() <= baselineFiles + 20);
        System.out.println("ConnectionDeadlinesTest: " + (IDLE + SLOW_HEADS) + " connections, open files baseline "
                + baselineFiles + ", peak " + peakFiles + ", end " + OpenFiles.count() + "; canary "
                + canary.roundTrips.get() + " round trips, slowest " + canary.slowestMillis.get() + " ms; " + refusals);
    }

    @Test
    void aSlowBodyGets408AfterTheBodyTimeout() throws Exception {
        start(new EngineOptions());
        String sid = Sids.of(PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling").body());
        Socket socket = PlainHttp.connect(port);
        clients.add(socket);
        socket.getOutputStream().write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n4")
                .getBytes(StandardCharsets.US_ASCII));
        Thread trickler = new Thread(() -> trickle(List.of(socket)), "slow-body");
        trickler.start();
        try {
            String answer = readUntilClosed(socket, 10_000);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        } finally {
            trickler.interrupt();
            trickler.join(10_000);
        }
        assertEquals(1, refused(ConnectionRefusal.BODY_TIMEOUT), refusals.toString());
    }

    @Test
    void aKeepAliveConnectionIsClosedAfterTheIdleTimeoutButALongPollIsNot() throws Exception {
        start(new EngineOptions().pingInterval(4_000).pingTimeout(10_000));
        try (Socket socket = PlainHttp.connect(port)) {
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String head = RawWebSocket.readHead(in);
            String body = new String(in.readNBytes(PlainHttp.contentLength(head)), StandardCharsets.UTF_8);
            String sid = Sids.of(body);
            // the poll waits for the ping, 4 s, longer than the idle timeout: it is answered, not cut off
            socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=polling&sid=" + sid
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            head = RawWebSocket.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals("2", new String(in.readNBytes(PlainHttp.contentLength(head)), StandardCharsets.UTF_8));
            // then nothing more is asked on this connection: it is closed once idle for the timeout
            assertEquals("", readUntilClosed(socket, 10_000));
        }
        assertTrue(refused(ConnectionRefusal.IDLE_TIMEOUT) >= 1, refusals.toString());
    }

    @Test
    void aWebSocketUpgradeThatIsNeverAnsweredIsClosed() throws Exception {
        CompletableFuture<String> verdict = new CompletableFuture<>();
        start(new EngineOptions().allowRequest(request -> verdict));   // decides only when the test is over
        Socket socket = PlainHttp.connect(port);
        clients.add(socket);
        socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("", readUntilClosed(socket, 10_000));
        assertEquals(1, refused(ConnectionRefusal.HANDSHAKE_TIMEOUT), refusals.toString());
        // a verdict that comes too late finds the connection gone and opens nothing
        verdict.complete("too late");
        Eventually.waitUntil(10_000, () -> refused(ConnectionRefusal.HANDSHAKE_TIMEOUT) == 1
                && server.engine().sessionCount() == 0);
    }

    /** Writes a header line (or a body byte) to each socket every 300 ms until the server has closed them all. */
    private static void trickle(List<Socket> sockets) {
        List<Socket> open = new ArrayList<>(sockets);
        for (int round = 0; round < 200 && !open.isEmpty() && !Thread.currentThread().isInterrupted(); round++) {
            open.removeIf(socket -> {
                try {
                    socket.getOutputStream().write("X-Slow: y\r\n".getBytes(StandardCharsets.US_ASCII));
                    return false;
                } catch (IOException e) {
                    return true;   // the server closed it
                }
            });
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** What the server sends until it closes the connection; fails if it is still open after the bound. */
    private static String readUntilClosed(Socket socket, int boundMillis) throws IOException {
        socket.setSoTimeout(boundMillis);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + boundMillis + " ms; received: " + received);
        } catch (IOException e) {
            // reset by the server's close: closed all the same
        }
        return received.toString(StandardCharsets.US_ASCII);
    }

    private int serverConnections() {
        try {
            return TcpTable.heldByServer(port).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void closeAll() {
        synchronized (clients) {
            for (Socket socket : clients) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // already gone
                }
            }
            clients.clear();
        }
    }
}
