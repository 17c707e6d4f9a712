package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rateLimit.maxConnectionsPerAddress holds under concurrency: check and count are one step, for TCP connections (at
 * accept) and for sessions (at the handshake check). The attacker is 127.0.0.2; the canary, 127.0.0.1, is another
 * address and stays served.
 */
class AddressLimitRaceTest {
    private static final int LIMIT = 20;
    private static final int ATTEMPTS = 200;

    @TempDir
    Path dir;
    private OpsTestSupport support;
    private final List<AutoCloseable> held = Collections.synchronizedList(new ArrayList<>());
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
        }
        closeHeld();
        support.close();
    }

    private SwitchboardServer start() throws IOException {
        SwitchboardServer server = support.start("rateLimit:", "  maxConnectionsPerAddress: " + LIMIT);
        server.server().onConnection(socket -> socket.on("echo", event -> event.ack(event.argsArray())));
        return server;
    }

    @Test
    void concurrentWebSocketHandshakesFromOneAddressOpenAtMostTheLimit() throws Exception {
        SwitchboardServer server = start();
        int port = server.address().getPort();
        InetAddress attacker = InetAddress.getByName("127.0.0.2");
        try (AckCanary canary = AckCanary.start(port, "{\"token\":\"" + OpsTestSupport.token("canary") + "\"}")) {
            assertEquals(LIMIT, webSocketStorm(port, attacker), "sessions opened by " + ATTEMPTS + " handshakes");
            assertTrue(server.server().engine().sessionCount() <= LIMIT + 1, "the limit plus the canary");
            canary.assertHealthy(5_000);

            // every place is given back: once they are closed, the address can open as many again
            closeHeld();
            Eventually.waitUntil(10_000, () -> server.server().engine().sessionCount() == 1);
            assertEquals(LIMIT, webSocketStorm(port, attacker));
            canary.assertHealthy(5_000);
        }
    }

    @Test
    void pipelinedPollingHandshakesOnFewConnectionsOpenAtMostTheLimit() throws Exception {
        SwitchboardServer server = start();
        int port = server.address().getPort();
        String handshake = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        int connections = 10;
        int perConnection = ATTEMPTS / connections;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket socket = PlainHttp.connect(port);
            held.add(socket);
            sockets.add(socket);
        }
        // every handshake is checked before any of them has opened its session
        for (Socket socket : sockets) {
            socket.getOutputStream().write(handshake.repeat(perConnection).getBytes(StandardCharsets.US_ASCII));
        }
        int opened = 0;
        int refused = 0;
        for (Socket socket : sockets) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < perConnection; i++) {
                String head = RawWebSocket.readHead(in);
                in.readNBytes(PlainHttp.contentLength(head));
                if (head.startsWith("HTTP/1.1 200")) {
                    opened++;
                } else {
                    assertTrue(head.startsWith("HTTP/1.1 403"), head);
                    refused++;
                }
            }
        }
        assertEquals(LIMIT, opened, "sessions opened; refused " + refused);
        assertEquals(ATTEMPTS - LIMIT, refused);
        assertEquals(LIMIT, server.server().engine().sessionCount());
    }

    @Test
    void handshakesRefusedAfterTheLimitLetThemThroughGiveTheirPlaceBack() throws Exception {
        SwitchboardServer server = start();
        int port = server.address().getPort();
        for (int i = 0; i < 2 * LIMIT; i++) {
            // allowed by the address limit, then refused: an unsupported protocol, a broken websocket upgrade
            assertEquals(400, PlainHttp.get(port, "/socket.io/?EIO=3&transport=polling").status());
            assertEquals(400, PlainHttp.exchange(port, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n").status());
        }
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(200, PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling").status(), "session " + i);
        }
        assertEquals(403, PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling").status());
    }

    /** {@link #ATTEMPTS} websocket handshakes at once from {@code local}, held open; how many got a session. */
    private int webSocketStorm(int port, InetAddress local) throws Exception {
        pool = Executors.newFixedThreadPool(ATTEMPTS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger sessions = new AtomicInteger();
        List<Future<?>> attempts = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            attempts.add(pool.submit(() -> {
                go.await();
                try {
                    RawWebSocket ws = RawWebSocket.open(port, "EIO=4&transport=websocket", 0, local);
                    held.add(ws);
                    String open = ws.readText();
                    if (open != null && open.startsWith("0{")) {
                        sessions.incrementAndGet();
                    }
                } catch (IOException e) {
                    // refused: closed at accept, or 403
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> attempt : attempts) {
            attempt.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return sessions.get();
    }

    private void closeHeld() throws Exception {
        synchronized (held) {
            for (AutoCloseable closeable : held) {
                closeable.close();
            }
            held.clear();
        }
    }
}
