package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The names the protocol keeps for itself cannot be emitted, to one socket or as a broadcast. */
class ReservedEventTest {
    private Fixture fx;
    private Fixture.Client client;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        client = fx.connect("websocket");
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
            "removeListener"})
    void socketEmitRejectsReservedNames(String name) {
        Socket socket = client.server();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> socket.emit(name, 1));
        assertThrows(IllegalArgumentException.class, () -> socket.emitWithAck(name));
        assertThrows(IllegalArgumentException.class, () -> socket.timeout(100).emitWithAck(name));

        assertEquals("\"" + name + "\" is a reserved event name", error.getMessage());
        socket.emit("fine");
        client.next("fine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
            "removeListener"})
    void broadcastEmitRejectsReservedNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> fx.server.emit(name), "server.emit");
        assertThrows(IllegalArgumentException.class, () -> fx.server.to("room").emit(name), "to(room).emit");
        assertThrows(IllegalArgumentException.class, () -> client.server().broadcast().emit(name),
                "socket.broadcast().emit");
        assertThrows(IllegalArgumentException.class, () -> fx.server.sockets().timeout(100).emitWithAck(name),
                "emitWithAck");

        fx.server.emit("fine");
        client.next("fine");
    }
}
