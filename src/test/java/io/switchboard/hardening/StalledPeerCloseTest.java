package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A websocket whose peer has stopped reading cannot take the close frame the server sends when it ends the session;
 * the server lets go of the connection anyway, a few seconds later, instead of holding it (and what is queued on
 * it) for as long as the peer keeps the TCP connection open.
 */
class StalledPeerCloseTest {
    private Server server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSessionClosedWhileThePeerIsNotReadingReleasesItsConnection() throws Exception {
        // a limit high enough that the stalled client is not cut off as a slow consumer first
        server = new Server(new ServerOptions().engine(new EngineOptions().maxBufferedBytes(256L * 1024 * 1024)));
        int port = server.start("127.0.0.1", 0).getPort();
        try (RawWebSocket ws = RawWebSocket.open(port, 4096)) {
            String sid = Sids.of(ws.readText());
            ws.sendText("40");
            assertTrue(ws.readText().startsWith("40{"));
            EngineSession session = server.engine().session(sid);

            String filler = "f".repeat(16 * 1024);
            int sent = 0;
            while (session.canTakeMore()) {
                server.sockets().emit("filler", sent++, filler);
                if (sent % 16 == 0) {
                    Thread.sleep(10); // lets the session's loop write what was sent
                }
                assertTrue(sent < 10_000, "the connection never stopped taking bytes");
            }
            assertTrue(TcpTable.serverHolds(port, ws.socket.getLocalPort()));

            server.sockets().disconnectSockets(true);

            Eventually.waitUntil(30_000, () -> !holds(port, ws.socket.getLocalPort()));
            Eventually.waitUntil(10_000, () -> server.engine().sessionCount() == 0);
        }
    }

    private static boolean holds(int serverPort, int clientPort) {
        try {
            return TcpTable.serverHolds(serverPort, clientPort);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
