package io.switchboard.server.drain;

import static io.switchboard.server.ratelimit.OpsTestSupport.WAIT;
import static io.switchboard.server.ratelimit.OpsTestSupport.request;
import static io.switchboard.server.ratelimit.OpsTestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.socket.client.Socket;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.ratelimit.OpsTestSupport;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The drain in-process: flag, readiness, refused handshakes, server-shutdown, acks in the grace, disconnect. */
class DrainTest {
    @RegisterExtension
    final OpsTestSupport support = new OpsTestSupport();

    @Test
    void drainWarnsClientsLetsAcksFinishThenDisconnects() throws Exception {
        SwitchboardServer server = support.start("drain:", "  gracePeriod: 1500");
        CompletableFuture<Void> slowStarted = new CompletableFuture<>();
        CompletableFuture<String> serverReason = new CompletableFuture<>();
        server.server().onConnection(socket -> socket.onDisconnect(serverReason::complete).on("slow", event -> {
            slowStarted.complete(null);
            // answered from another thread 300 ms later, inside the grace period
            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> event.ack("done"));
        }));
        // polling: socket.io-client 2.x notices a server closing a websocket only through its heartbeat
        Socket alice = support.socket(server, "/", Map.of("token", token("alice")), "polling");
        assertEquals("connect", support.connect(alice));
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<JSONObject> shutdown = new CompletableFuture<>();
        CompletableFuture<String> disconnected = new CompletableFuture<>();
        alice.on("server-shutdown", args -> {
            seen.add("server-shutdown");
            shutdown.complete((JSONObject) args[0]);
        });
        alice.on(Socket.EVENT_DISCONNECT, args -> {
            seen.add("disconnect");
            disconnected.complete(String.valueOf(args[0]));
        });
        assertFalse(server.drain().isDraining());
        assertEquals(200, support.get(server, "/readyz").statusCode());

        CompletableFuture<Object> inFlight = request(alice, "slow");
        slowStarted.get(WAIT, TimeUnit.SECONDS);
        CompletableFuture<Void> drained = CompletableFuture.runAsync(server::drainAndClose);

        JSONObject notice = shutdown.get(WAIT, TimeUnit.SECONDS);
        assertEquals("server shutting down", notice.getString("message"));
        assertTrue(notice.getBoolean("reconnect"));
        assertTrue(server.drain().isDraining());
        assertTrue(server.health().draining());
        assertEquals(503, support.get(server, "/readyz").statusCode());
        HttpResponse<String> refused = support.get(server, "/socket.io/?EIO=4&transport=polling");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains(Drain.REFUSAL), refused.body());

        assertEquals("done", inFlight.get(WAIT, TimeUnit.SECONDS), "the in-flight ack finished in the grace period");
        disconnected.get(WAIT, TimeUnit.SECONDS);
        assertEquals("server shutting down", serverReason.get(WAIT, TimeUnit.SECONDS));
        drained.get(WAIT, TimeUnit.SECONDS);
        assertEquals(List.of("server-shutdown", "disconnect"), seen);
    }
}
