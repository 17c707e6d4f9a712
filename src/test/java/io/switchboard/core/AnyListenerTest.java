package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** onAny sees every incoming event before its handlers; onAnyOutgoing every event sent to the client. */
class AnyListenerTest {
    private Fixture fx;
    private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> outgoing = new LinkedBlockingQueue<>();
    private AnyListener recordIncoming;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        recordIncoming = (event, args) -> incoming.add("any " + event + " " + args);
        fx.server.onConnection(socket -> {
            socket.onAny(recordIncoming);
            socket.onAnyOutgoing((event, args) -> outgoing.add(event + " " + args));
            socket.on("ping", event -> {
                incoming.add("handler ping");
                event.ack("pong");
            });
            socket.on("stop", event -> {
                socket.offAny(recordIncoming);
                event.ack();
            });
        });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void onAnySeesIncomingEventsBeforeTheirHandlersEvenUnhandledOnes() {
        Fixture.Client client = fx.connect("websocket");

        client.socket.emit("unhandled", 1, "two");
        client.emitWithAck("ping", "v");

        assertEquals("any unhandled [1,\"two\"]", Fixture.take(incoming));
        assertEquals("any ping [\"v\"]", Fixture.take(incoming));
        assertEquals("handler ping", Fixture.take(incoming));
    }

    @Test
    void offAnyStopsTheListener() {
        Fixture.Client client = fx.connect("websocket");

        client.emitWithAck("stop");
        client.emitWithAck("ping");

        assertEquals("any stop []", Fixture.take(incoming));
        assertEquals("handler ping", Fixture.take(incoming));
    }

    @Test
    void onAnyOutgoingSeesWhatTheSocketEmits() {
        Fixture.Client client = fx.connect("websocket");

        client.server().emit("news", 1, List.of("a"));

        assertEquals("news [1,[\"a\"]]", Fixture.take(outgoing));
        assertEquals(JsonNodeFactory.instance.numberNode(1), Fixture.jackson(client.next("news")[1]));
    }

    @Test
    void onAnyOutgoingDoesNotSeeAcknowledgements() {
        Fixture.Client client = fx.connect("websocket");

        client.emitWithAck("ping");
        client.server().emit("after");

        assertEquals("after []", Fixture.take(outgoing));
    }

    /** The reference adapter notifies the outgoing listeners of each socket a broadcast reaches. */
    @Test
    void onAnyOutgoingSeesBroadcastsToo() {
        Fixture.Client client = fx.connect("websocket");

        fx.server.emit("to everyone", "x");

        client.next("to everyone");
        assertEquals("to everyone [\"x\"]", Fixture.take(outgoing));
    }
}
