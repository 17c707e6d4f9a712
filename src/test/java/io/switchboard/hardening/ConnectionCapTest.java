package io.switchboard.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * limits.maxConnections: a node full of connections closes the next one as soon as it is accepted, while the
 * reserved headroom keeps /healthz, /readyz and /metrics answering on the main port, and connected clients are
 * served throughout. The refusals are counted in /metrics by reason.
 */
class ConnectionCapTest {
    private static final int CAP = 30;
    /** SwitchboardServer.HEALTH_HEADROOM. */
    private static final int HEADROOM = 16;

    @TempDir
    Path dir;
    private OpsTestSupport support;
    private final List<Socket> held = new ArrayList<>();

    @BeforeEach
    void setUp() {
        support = new OpsTestSupport(dir);
    }

    @AfterEach
    void tearDown() {
        closeAll(held);
        support.close();
    }

    @Test
    void beyondTheCapConnectionsAreClosedAtOnceAndHealthStillAnswers() throws Exception {
        SwitchboardServer server = support.start("limits:", "  maxConnections: " + CAP,
                "  httpIdleTimeout: 120000");   // the idle connections of the attack stay for the whole test
        server.server().onConnection(socket -> socket.on("echo", event -> event.ack(event.argsArray())));
        int port = server.address().getPort();
        long baselineFiles = OpenFiles.count();
        String metrics = PlainHttp.get(port, "/metrics").body();
        assertEquals(0, refused(metrics, "connection_limit"), "registered at 0");
        assertEquals(0, refused(metrics, "idle_timeout"), "registered at 0");

        try (AckCanary canary = AckCanary.start(port, "{\"token\":\"" + OpsTestSupport.token("canary") + "\"}")) {
            for (int i = 1; i < CAP; i++) {
                held.add(PlainHttp.connect(port));
            }
            Eventually.waitUntil(10_000, () -> server.server().engine().connectionCount() == CAP);

            // the node is full: probes are answered through the headroom, anything else there gets 503
            assertEquals(200, PlainHttp.get(port, "/healthz").status());
            assertEquals(200, PlainHttp.get(port, "/readyz").status());
            assertEquals(503, PlainHttp.get(port, "/socket.io/?EIO=4&transport=polling").status());
            assertTrue(PlainHttp.get(port, "/metrics").body().contains("switchboard_tcp_connections"));

            // with the headroom taken too, a connection is closed before anything is read from it
            List<Socket> headroom = new ArrayList<>();
            for (int i = 0; i < HEADROOM; i++) {
                headroom.add(PlainHttp.connect(port));
            }
            Eventually.waitUntil(10_000, () -> server.server().engine().connectionCount() == CAP + HEADROOM);
            try (Socket refused = PlainHttp.connect(port)) {
                refused.setSoTimeout(5_000);
                assertTrue(closedByServer(refused), "the connection past the cap and headroom is closed");
            }
            closeAll(headroom);
            Eventually.waitUntil(10_000, () -> server.server().engine().connectionCount() == CAP);
            canary.assertHealthy(5_000);

            metrics = PlainHttp.get(port, "/metrics").body();
            assertTrue(refused(metrics, "connection_limit") >= 2, "the 503 and the closed one: " + metrics);
        }
        closeAll(held);
        Eventually.waitUntil(10_000, () -> server.server().engine().connectionCount() == 0);
        Eventually.waitUntil(30_000, () -> OpenFiles.count() <= baselineFiles + 20);
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;   // reset
        }
    }

    private static double refused(String metrics, String reason) {
        Matcher m = Pattern.compile("(?m)^switchboard_connections_refused_total\\{[^}]*reason=\"" + reason
                + "\"[^}]*} (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "no switchboard_connections_refused_total for " + reason);
        return Double.parseDouble(m.group(1));
    }

    private static void closeAll(List<Socket> sockets) {
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
