package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Whatever an application callback throws is counted by kind and changes nothing else: the connection stays up (an
 * ack round trip after the throw proves it) and the cleanup after a disconnect listener still runs.
 */
class FailureIsolationTest {
    private final CountingObserver observer = new CountingObserver();
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start(new ServerOptions().observer(observer));
        fx.server.onConnection(socket -> socket.on("ping", event -> event.ack("pong")));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static RuntimeException boom() {
        return new IllegalStateException("application bug (expected by the test)");
    }

    private void assertStillServes(Fixture.Client client) {
        assertEquals("pong", client.emitWithAck("ping")[0]);
        assertTrue(client.socket.connected());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingIncomingListenersKeepTheConnection(String transport) {
        fx.server.onConnection(socket -> {
            socket.onAny((event, args) -> {
                throw boom();
            });
            socket.on("ping", event -> {
                throw boom();
            });
        });
        Fixture.Client client = fx.connect(transport);

        assertStillServes(client);
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.ANY));
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.EVENT));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingPacketMiddlewareAndErrorListenerKeepTheConnection(String transport) {
        fx.server.onConnection(socket -> {
            socket.use((event, next) -> {
                if (event.name().equals("bad")) {
                    throw boom();
                }
                next.accept(null);
            });
            socket.onError(error -> {
                seen.add("error " + error.getMessage());
                throw boom();
            });
        });
        Fixture.Client client = fx.connect(transport);

        client.socket.emit("bad");

        assertEquals("error application bug (expected by the test)", Fixture.take(seen));
        assertStillServes(client);
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.PACKET_MIDDLEWARE));
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.ERROR));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingAckCallbackAndOutgoingListenerKeepTheConnection(String transport) {
        fx.server.onConnection(socket -> socket.onAnyOutgoing((event, args) -> {
            throw boom();
        }));
        Fixture.Client client = fx.connect(transport);
        client.socket.on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("answer"));

        client.server().emit("question", (error, args) -> {
            seen.add("ack " + args);
            throw boom();
        });

        assertEquals("ack [\"answer\"]", Fixture.take(seen));
        assertStillServes(client);
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.ACK));
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.ANY_OUTGOING));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingConnectionHandlerStillConnects(String transport) {
        fx.server.onConnection(socket -> {
            throw boom();
        });

        Fixture.Client client = fx.connect(transport);

        assertStillServes(client);
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.CONNECTION));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingDisconnectListenersDoNotSkipTheCleanup(String transport) {
        fx.server.onConnection(socket -> {
            socket.join("room");
            socket.onDisconnecting(reason -> {
                seen.add("disconnecting " + socket.rooms().contains("room"));
                throw boom();
            });
            socket.onDisconnect(reason -> {
                seen.add("disconnect");
                throw boom();
            });
        });
        Fixture.Client client = fx.connect(transport);
        Fixture.Client other = fx.connect(transport);
        String id = client.id();

        client.socket.disconnect();

        assertEquals("disconnecting true", Fixture.take(seen));
        assertEquals("disconnect", Fixture.take(seen));
        Fixture.awaitEquals(List.of(other.id()), () -> Fixture.await(fx.server.in("room").fetchSockets())
                .stream().map(RemoteSocket::id).toList());
        assertNull(fx.server.sockets().localSocket(id));
        assertEquals(Set.of(other.id(), "room"), fx.server.sockets().adapter().rooms());
        assertStillServes(other);
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.DISCONNECTING));
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.DISCONNECT));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void throwingMiddlewareRefusesWithoutClosing(String transport) {
        fx.server.use((socket, next) -> {
            if (socket.handshake().auth().has("bad")) {
                throw boom();
            }
            next.accept(null);
        });

        Object error = fx.connectError(fx.client(transport, "/", java.util.Map.of("bad", "1")));

        assertTrue(String.valueOf(error).contains("application bug"), String.valueOf(error));
        assertStillServes(fx.connect(transport));
        Fixture.awaitEquals(1L, () -> observer.errors(HandlerKind.MIDDLEWARE));
    }
}
