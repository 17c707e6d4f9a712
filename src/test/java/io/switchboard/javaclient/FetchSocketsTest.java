package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.socket.client.Manager;
import io.switchboard.core.RemoteSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** fetchSockets, socketsJoin, socketsLeave and disconnectSockets: a and b are in "r", c is not. */
class FetchSocketsTest {
    private Fixture fx;
    private Fixture.Client a;
    private Fixture.Client b;
    private Fixture.Client c;
    private final BlockingQueue<String> reasons = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> {
            String user = socket.handshake().auth().path("user").asText();
            socket.data().put("user", user);
            if (!"c".equals(user)) {
                socket.join("r");
            }
            socket.onDisconnect(reason -> reasons.add(user + ": " + reason));
        });
    }

    private void connectAll(String transport) {
        a = fx.connect(transport, "/", Map.of("user", "a"));
        b = fx.connect(transport, "/", Map.of("user", "b"));
        c = fx.connect(transport, "/", Map.of("user", "c"));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static Map<String, RemoteSocket> byId(List<RemoteSocket> sockets) {
        return sockets.stream().collect(Collectors.toMap(RemoteSocket::id, Function.identity()));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void fetchSocketsReturnsIdsRoomsDataAndHandshake(String transport) {
        connectAll(transport);

        Map<String, RemoteSocket> all = byId(await(fx.server.fetchSockets()));

        assertEquals(Set.of(a.id(), b.id(), c.id()), all.keySet());
        RemoteSocket remoteA = all.get(a.id());
        assertEquals(Set.of(a.id(), "r"), remoteA.rooms());
        assertEquals(Map.of("user", "a"), remoteA.data());
        assertEquals("a", remoteA.handshake().auth().path("user").asText());
        assertEquals(Set.of(c.id()), all.get(c.id()).rooms());
        assertEquals(Map.of("user", "c"), all.get(c.id()).data());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void fetchSocketsFollowsRoomsAndExceptions(String transport) {
        connectAll(transport);

        assertEquals(Set.of(a.id(), b.id()), byId(await(fx.server.in("r").fetchSockets())).keySet());
        assertEquals(Set.of(c.id()), byId(await(fx.server.except("r").fetchSockets())).keySet());
        assertEquals(Set.of(b.id()), byId(await(fx.server.in("r").except(a.id()).fetchSockets())).keySet());
        assertEquals(Set.of(), byId(await(fx.server.in("nobody").fetchSockets())).keySet());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void remoteSocketsActOnTheirClient(String transport) {
        connectAll(transport);
        RemoteSocket remoteC = byId(await(fx.server.fetchSockets())).get(c.id());

        remoteC.emit("hello", "c");
        remoteC.join("s");

        assertEquals("c", c.next("hello")[1]);
        assertEquals(Set.of(c.id(), "s"), fx.roomsOf(c));
        remoteC.leave("s");
        assertEquals(Set.of(c.id()), fx.roomsOf(c));
        remoteC.disconnect(false);
        assertEquals("c: server namespace disconnect", Fixture.take(reasons));
        assertEquals("io server disconnect", c.next("disconnect")[1]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void socketsJoinAndSocketsLeave(String transport) {
        connectAll(transport);

        fx.server.in("r").socketsJoin("s", "t");

        assertEquals(Set.of(a.id(), "r", "s", "t"), fx.roomsOf(a));
        assertEquals(Set.of(c.id()), fx.roomsOf(c));
        assertEquals(Set.of(a.id(), b.id()), byId(await(fx.server.in("t").fetchSockets())).keySet());
        fx.server.to("s").emit("in s");
        a.next("in s");
        b.next("in s");

        fx.server.in("s").except(b.id()).socketsLeave("r", "t");

        assertEquals(Set.of(a.id(), "s"), fx.roomsOf(a));
        assertEquals(Set.of(b.id(), "r", "s", "t"), fx.roomsOf(b));
        fx.server.sockets().socketsJoin("everyone");
        assertEquals(Set.of(a.id(), b.id(), c.id()), byId(await(fx.server.in("everyone").fetchSockets())).keySet());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void disconnectSocketsDisconnectsTheSelectedOnes(String transport) {
        connectAll(transport);

        fx.server.in("r").disconnectSockets(false);

        assertEquals("io server disconnect", a.next("disconnect")[1]);
        assertEquals("io server disconnect", b.next("disconnect")[1]);
        assertEquals(Set.of("a: server namespace disconnect", "b: server namespace disconnect"),
                Set.of(Fixture.take(reasons), Fixture.take(reasons)));
        assertEquals(Set.of(c.id()), byId(await(fx.server.fetchSockets())).keySet());
        fx.server.emit("still here");
        c.next("still here");
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void disconnectSocketsWithCloseClosesTheWholeConnection(String transport) {
        fx.server.of("/chat").onConnection(socket -> socket.onDisconnect(reason -> reasons.add("chat: " + reason)));
        Manager manager = fx.manager(transport);
        Fixture.Client main = fx.connect(fx.client(manager, "/"));
        Fixture.Client chat = fx.connect(fx.client(manager, "/chat"));
        Fixture.Client other = fx.connect(transport, "/chat");

        fx.server.of("/chat").to(chat.id()).disconnectSockets(true);

        assertEquals("disconnect", main.next()[0]);
        assertEquals("disconnect", chat.next()[0]);
        assertEquals(Set.of(": server namespace disconnect", "chat: server namespace disconnect"),
                Set.of(Fixture.take(reasons), Fixture.take(reasons)));
        assertEquals(Set.of(other.id()), byId(await(fx.server.of("/chat").fetchSockets())).keySet());
        assertEquals(Set.of(), byId(await(fx.server.fetchSockets())).keySet());
    }
}
