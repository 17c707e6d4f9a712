package io.switchboard.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The reasons the server's onDisconnect sees, and what onDisconnecting can still read. */
class DisconnectReasonTest {
    private Fixture fx;
    private final BlockingQueue<String> reasons = new LinkedBlockingQueue<>();
    private final BlockingQueue<Set<String>> roomsWhileDisconnecting = new LinkedBlockingQueue<>();
    private final BlockingQueue<Set<String>> roomsAfterDisconnect = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> {
            socket.join("lobby");
            socket.onDisconnecting(reason -> {
                roomsWhileDisconnecting.add(socket.rooms());
                socket.to("lobby").emit("left", socket.id());
            });
            socket.onDisconnect(reason -> {
                roomsAfterDisconnect.add(socket.rooms());
                reasons.add(reason);
            });
        });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void clientDisconnect(String transport) {
        Fixture.Client client = fx.connect(transport);

        client.socket.disconnect();

        assertEquals("client namespace disconnect", Fixture.take(reasons));
        assertFalse(client.server().connected());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverDisconnect(String transport) {
        Fixture.Client client = fx.connect(transport);

        client.server().disconnect();

        assertEquals("server namespace disconnect", Fixture.take(reasons));
        assertEquals("io server disconnect", client.next("disconnect")[1]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void connectionDrop(String transport) {
        Fixture.Client client = fx.connect(transport);

        Fixture.dropConnection(client.socket);

        assertEquals("transport close", Fixture.take(reasons));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverShuttingDown(String transport) {
        Fixture.Client client = fx.connect(transport);

        fx.closeServer();

        assertEquals("server shutting down", Fixture.take(reasons));
        if (transport.equals("polling")) {
            // over websocket socket.io-client 2.x ignores the server's close frame (it has no onClosing) and would
            // only notice through its heartbeat; over polling the pending GET brings the close at once
            assertEquals("disconnect", client.next()[0]);
        }
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void onDisconnectingStillSeesTheRoomsAndCanReachThem(String transport) {
        Fixture.Client leaving = fx.connect(transport);
        Fixture.Client staying = fx.connect(transport, "/", Map.of());
        String leavingId = leaving.id();

        leaving.socket.disconnect();

        assertEquals(Set.of(leavingId, "lobby"), Fixture.take(roomsWhileDisconnecting));
        assertEquals(Set.of(), Fixture.take(roomsAfterDisconnect));
        assertEquals(leavingId, staying.next("left")[1]);
        assertEquals(Set.of(staying.id(), "lobby"), fx.server.sockets().adapter().rooms());
        assertEquals(Set.of(staying.id()), Set.copyOf(fx.server.sockets().localSockets().stream()
                .map(io.switchboard.core.Socket::id).toList()));
    }

    /** socket.io 4.8: a packet the decoder refuses closes the connection as "forced close", a recoverable reason. */
    @Test
    void anUndecodablePacketIsAForcedClose() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + fx.port + "/socket.io/?EIO=4&transport=polling";
        String open = send(http, HttpRequest.newBuilder(URI.create(base)).GET());
        String sid = new ObjectMapper().readTree(open.substring(1)).get("sid").asText();
        URI session = URI.create(base + "&sid=" + sid);
        assertEquals("ok", send(http, HttpRequest.newBuilder(session).POST(BodyPublishers.ofString("40"))));
        assertTrue(send(http, HttpRequest.newBuilder(session).GET()).startsWith("40{"), "connected");

        send(http, HttpRequest.newBuilder(session).POST(BodyPublishers.ofString("42[\"broken\"")));

        assertEquals("forced close", Fixture.take(reasons));
    }

    private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofMillis(Fixture.TIMEOUT_MS)).build(), BodyHandlers.ofString())
                .body();
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void theLastMemberLeavingRemovesTheRoom(String transport) {
        Fixture.Client client = fx.connect(transport);

        Fixture.dropConnection(client.socket);

        Fixture.take(reasons);
        assertEquals(Set.of(), fx.server.sockets().adapter().rooms());
    }
}
