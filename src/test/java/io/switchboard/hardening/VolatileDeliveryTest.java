package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Volatile events end to end, as the reference server treats them: delivered to a client that can take them now,
 * dropped (not queued) for one that cannot: a polling client with no GET waiting, a websocket whose peer is not
 * taking bytes.
 */
class VolatileDeliveryTest {
    private Server server;
    private int port;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    private void start(EngineOptions engine) throws InterruptedException {
        server = new Server(new ServerOptions().engine(engine));
        port = server.start("127.0.0.1", 0).getPort();
    }

    @Test
    void aPollingClientGetsAVolatileEventOnlyWhileItsGetWaits() throws Exception {
        start(new EngineOptions());
        String base = "/socket.io/?EIO=4&transport=polling";
        String sid = Sids.of(PlainHttp.get(port, base).body());
        String session = base + "&sid=" + sid;
        PlainHttp.Response posted = PlainHttp.exchange(port, "POST " + session + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n40");
        assertEquals(200, posted.status(), posted.body());
        assertTrue(PlainHttp.get(port, session).body().startsWith("40{"));
        EngineSession engineSession = server.engine().session(sid);

        // no GET waits: the volatile event is dropped, the ordinary one waits for the next GET
        assertFalse(engineSession.canTakeMore());
        server.sockets().asVolatile().emit("volatile", 1);
        server.sockets().emit("ordinary", 2);
        // both ran on the session's loop before the next GET is sent: a GET read first would take the volatile one
        CompletableFuture.runAsync(() -> { }, engineSession.loop()).get(10, TimeUnit.SECONDS);
        assertEquals("42[\"ordinary\",2]", PlainHttp.get(port, session).body());

        // a GET waits: the volatile event answers it
        CompletableFuture<PlainHttp.Response> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return PlainHttp.get(port, session);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Eventually.waitUntil(10_000, engineSession::canTakeMore);
        server.sockets().asVolatile().emit("volatile", 3);
        assertEquals("42[\"volatile\",3]", waiting.get(10, TimeUnit.SECONDS).body());
    }

    @Test
    void aWebSocketWhosePeerTakesNoBytesDropsVolatileEvents() throws Exception {
        // a limit high enough that the stalled client is not cut off while the test fills its connection
        start(new EngineOptions().maxBufferedBytes(256L * 1024 * 1024));
        try (RawWebSocket ws = RawWebSocket.open(port, 4096)) {
            String sid = Sids.of(ws.readText());
            ws.sendText("40");
            assertTrue(ws.readText().startsWith("40{"));
            EngineSession engineSession = server.engine().session(sid);

            server.sockets().asVolatile().emit("volatile", "while reading");
            assertEquals("42[\"volatile\",\"while reading\"]", ws.readText());

            // the client stops reading; ordinary events pile up until the channel is no longer writable
            String filler = "f".repeat(16 * 1024);
            int sent = 0;
            while (canTakeMoreOnceFlushed(engineSession)) {
                server.sockets().emit("filler", sent++, filler);
                assertTrue(sent < 10_000, "the connection never stopped taking bytes");
            }
            server.sockets().asVolatile().emit("volatile", "while stalled");
            server.sockets().emit("end");

            List<String> received = new ArrayList<>();
            String message;
            do {
                message = ws.readText();
                received.add(message.length() > 40 ? message.substring(0, 40) : message);
            } while (!message.equals("42[\"end\"]"));
            assertTrue(received.stream().noneMatch(m -> m.contains("while stalled")), received.toString());
            assertEquals(sent + 1, received.size(), "every ordinary event arrived");
        }
    }

    /**
     * Whether the session can take more once its loop has written and flushed what was emitted so far: the first hop
     * runs after the queued writes, which queue their flush; the second runs after that flush. Between a write and its
     * flush the unflushed bytes alone can make the channel look full for a moment.
     */
    private static boolean canTakeMoreOnceFlushed(EngineSession session) throws Exception {
        return CompletableFuture.runAsync(() -> { }, session.loop())
                .thenApplyAsync(ignored -> session.canTakeMore(), session.loop())
                .get(10, TimeUnit.SECONDS);
    }
}
