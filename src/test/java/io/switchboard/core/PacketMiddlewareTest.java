package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** socket.use: middlewares that see every incoming event and may drop it, handing the error to onError. */
class PacketMiddlewareTest {
    private Fixture fx;
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<String> seenByMiddlewares = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Exception> errors = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> {
            socket.use((event, next) -> {
                seenByMiddlewares.add("first:" + event.name());
                next.accept(event.name().startsWith("forbidden") ? new IllegalStateException("no " + event.name())
                        : null);
            });
            socket.use((event, next) -> {
                seenByMiddlewares.add("second:" + event.name());
                // finishes on another thread
                CompletableFuture.runAsync(() -> next.accept(null));
            });
            socket.onError(errors::add);
            for (String name : List.of("allowed", "forbidden", "forbidden-ack", "sync")) {
                socket.on(name, event -> {
                    handled.add(name);
                    event.ack("handled " + name);
                });
            }
        });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void anAllowedEventPassesEveryMiddlewareInOrderThenTheHandler() {
        Fixture.Client client = fx.connect("websocket");

        assertEquals("handled allowed", client.emitWithAck("allowed")[0]);

        assertEquals(List.of("first:allowed", "second:allowed"), seenByMiddlewares);
        assertEquals(List.of("allowed"), handled);
    }

    @Test
    void aRefusedEventNeverReachesItsHandlerAndTheErrorReachesOnError() {
        Fixture.Client client = fx.connect("websocket");
        List<Object[]> acks = new CopyOnWriteArrayList<>();

        client.socket.emit("forbidden", new Object[] {1}, acks::add);
        client.socket.emit("forbidden-ack", new Object[0], acks::add);
        assertEquals("handled allowed", client.emitWithAck("allowed")[0]);

        assertEquals("no forbidden", Fixture.take(errors).getMessage());
        assertEquals("no forbidden-ack", Fixture.take(errors).getMessage());
        assertEquals(List.of("allowed"), handled);
        assertEquals(List.of("first:forbidden", "first:forbidden-ack", "first:allowed", "second:allowed"),
                seenByMiddlewares);
        assertTrue(acks.isEmpty(), "a refused event is not acknowledged");
    }

    @Test
    void theConnectionStaysUpAfterARefusal() {
        Fixture.Client client = fx.connect("polling");

        client.socket.emit("forbidden");
        Fixture.take(errors);

        assertEquals("handled sync", client.emitWithAck("sync")[0]);
        assertTrue(client.socket.connected());
        assertTrue(client.server().connected());
    }
}
