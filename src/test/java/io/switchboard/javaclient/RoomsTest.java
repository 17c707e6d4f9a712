package io.switchboard.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Rooms and broadcasts as clients see them: a and b join "r" (from their auth), c joins nothing. Every check ends
 * with an "end" emitted to all, so what a client did not get is known once it got "end".
 */
class RoomsTest {
    private Fixture fx;
    private Fixture.Client a;
    private Fixture.Client b;
    private Fixture.Client c;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> {
            String room = socket.handshake().auth().path("room").asText("");
            if (!room.isEmpty()) {
                socket.join(room);
            }
            socket.on("chat", event -> socket.to("r").emit("chat", event.arg(0)));
            socket.on("shout", event -> socket.broadcast().emit("shout", event.arg(0)));
        });
    }

    private void connectAll(String transport) {
        a = fx.connect(transport, "/", Map.of("room", "r"));
        b = fx.connect(transport, "/", Map.of("room", "r"));
        c = fx.connect(transport, "/", null);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private void assertUntilEnd(List<String> forA, List<String> forB, List<String> forC) {
        fx.server.emit("end");
        assertEquals(forA, a.namesUntil("end"), "a");
        assertEquals(forB, b.namesUntil("end"), "b");
        assertEquals(forC, c.namesUntil("end"), "c");
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void aSocketIsInItsOwnRoomAndThoseItJoined(String transport) {
        connectAll(transport);

        assertEquals(Set.of(a.id(), "r"), a.server().rooms());
        assertEquals(Set.of(c.id()), c.server().rooms());
        assertEquals(Set.of(a.id(), b.id(), c.id(), "r"), fx.server.sockets().adapter().rooms());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void toRoomReachesOnlyItsMembers(String transport) {
        connectAll(transport);

        fx.server.to("r").emit("news", "hello");

        assertEquals("hello", a.next("news")[1]);
        assertUntilEnd(List.of("end"), List.of("news", "end"), List.of("end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void toSeveralRoomsReachesEachSocketOnce(String transport) {
        connectAll(transport);
        a.server().join("other");
        c.server().join("other");

        fx.server.to("r", "other").emit("news");

        assertUntilEnd(List.of("news", "end"), List.of("news", "end"), List.of("news", "end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void toASocketIdReachesThatSocket(String transport) {
        connectAll(transport);

        fx.server.to(c.id()).emit("private");

        assertUntilEnd(List.of("end"), List.of("end"), List.of("private", "end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void exceptLeavesOutTheRoomsMembers(String transport) {
        connectAll(transport);

        fx.server.except("r").emit("outside");
        fx.server.to("r").except(b.id()).emit("inside-but-b");

        assertUntilEnd(List.of("inside-but-b", "end"), List.of("end"), List.of("outside", "end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void socketToRoomLeavesOutTheSender(String transport) {
        connectAll(transport);

        a.socket.emit("chat", "from a");

        assertEquals("from a", b.next("chat")[1]);
        assertUntilEnd(List.of("end"), List.of("end"), List.of("end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void socketBroadcastReachesEveryoneButTheSender(String transport) {
        connectAll(transport);

        c.socket.emit("shout", "from c");

        assertEquals("from c", a.next("shout")[1]);
        assertEquals("from c", b.next("shout")[1]);
        assertUntilEnd(List.of("end"), List.of("end"), List.of("end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void aSocketThatLeftNoLongerGetsTheRoomsEmits(String transport) {
        connectAll(transport);

        a.server().leave("r");
        fx.server.to("r").emit("news");

        assertEquals(Set.of(a.id()), fx.roomsOf(a));
        assertUntilEnd(List.of("end"), List.of("news", "end"), List.of("end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void anEmptiedRoomDisappears(String transport) {
        connectAll(transport);

        a.server().leave("r");
        b.server().leave("r");

        // read from this thread, the index shows the leaves once the loops ran them; fetchSockets is in order
        assertEquals(List.of(), Fixture.await(fx.server.in("r").fetchSockets()));
        Fixture.awaitEquals(Set.of(a.id(), b.id(), c.id()), () -> fx.server.sockets().adapter().rooms());
    }
}
