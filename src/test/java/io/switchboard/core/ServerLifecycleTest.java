package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.Test;

/** Starting and closing a server. */
class ServerLifecycleTest {

    @Test
    void aServerThatNeverStartedCloses() {
        Server server = new Server();

        assertDoesNotThrow(server::close);
    }

    @Test
    void closingTwiceIsHarmless() throws InterruptedException {
        Fixture fx = Fixture.start();
        BlockingQueue<String> reasons = new LinkedBlockingQueue<>();
        fx.server.onConnection(socket -> socket.onDisconnect(reasons::add));
        fx.connect("websocket");

        fx.closeServer();
        assertEquals(DisconnectReason.SERVER_SHUTTING_DOWN, Fixture.take(reasons));

        assertDoesNotThrow(fx.server::close, "a second close");
        fx.close();
    }
}
