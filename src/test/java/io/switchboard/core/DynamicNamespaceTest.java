package io.switchboard.core;

import static io.switchboard.javaclient.Fixture.await;
import static io.switchboard.javaclient.Fixture.jackson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Namespaces created on first connection from a pattern or predicate, with the parent's middlewares. */
class DynamicNamespaceTest {
    private Fixture fx;
    private ParentNamespace rooms;
    private final BlockingQueue<String> middlewareSaw = new LinkedBlockingQueue<>();
    private final BlockingQueue<Socket> connected = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        rooms = fx.server.of(Pattern.compile("/room-\\d+"));
        rooms.use((socket, next) -> {
            middlewareSaw.add(socket.namespace().name());
            next.accept("/room-13".equals(socket.namespace().name())
                    ? new ConnectError("unlucky", Map.of("room", 13)) : null);
        });
        rooms.onConnection(socket -> {
            socket.on("where", event -> event.ack(socket.namespace().name()));
            connected.add(socket);
        });
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aMatchingNameCreatesAChildOnConnection() {
        assertEquals(Set.of("/"), fx.server.namespaces().keySet());

        Fixture.Client client = fx.connect("websocket", "/room-1");

        Socket socket = Fixture.take(connected);
        assertEquals(client.id(), socket.id());
        assertEquals("/room-1", middlewareSaw.poll());
        assertEquals(Set.of("/room-1"), rooms.children().keySet());
        assertSame(rooms.children().get("/room-1"), fx.server.namespaces().get("/room-1"));
        assertSame(socket.namespace(), rooms.children().get("/room-1"));
        assertEquals("/room-1", client.emitWithAck("where")[0]);
    }

    @Test
    void aSecondConnectionReusesTheChild() {
        fx.connect("websocket", "/room-2");
        fx.connect("polling", "/room-2");

        assertSame(Fixture.take(connected).namespace(), Fixture.take(connected).namespace());
        assertEquals(Set.of("/room-2"), rooms.children().keySet());
    }

    @Test
    void theParentsMiddlewaresRefuseForEveryChild() {
        Object error = fx.connectError(fx.client("websocket", "/room-13", null));

        ObjectNode expected = JsonNodeFactory.instance.objectNode().put("message", "unlucky");
        expected.putObject("data").put("room", 13);
        assertEquals(expected, jackson(error));
        assertEquals("/room-13", Fixture.take(middlewareSaw));
    }

    @Test
    void aNameThatMatchesNoParentIsInvalid() {
        Object error = fx.connectError(fx.client("websocket", "/room-x", null));

        assertEquals(JsonNodeFactory.instance.objectNode().put("message", "Invalid namespace"), jackson(error));
        assertEquals(Set.of("/"), fx.server.namespaces().keySet());
        assertTrue(rooms.children().isEmpty());
    }

    @Test
    void aPredicateParentWorksTheSame() {
        ParentNamespace users = fx.server.of(name -> name.startsWith("/user/"));
        BlockingQueue<String> names = new LinkedBlockingQueue<>();
        users.onConnection(socket -> names.add(socket.namespace().name()));

        fx.connect("websocket", "/user/ada");

        assertEquals("/user/ada", Fixture.take(names));
        assertEquals(Set.of("/user/ada"), users.children().keySet());
    }

    @Test
    void aStaticNamespaceWinsOverAMatchingParent() {
        BlockingQueue<String> staticConnections = new LinkedBlockingQueue<>();
        fx.server.of("/room-7").onConnection(socket -> staticConnections.add(socket.id()));

        Fixture.Client client = fx.connect("websocket", "/room-7");

        assertEquals(client.id(), Fixture.take(staticConnections));
        assertTrue(rooms.children().isEmpty());
        assertTrue(middlewareSaw.isEmpty(), "the parent's middleware did not run");
    }

    @Test
    void theParentsEmitReachesTheSocketsOfEveryChild() {
        Fixture.Client one = fx.connect("websocket", "/room-1");
        Fixture.Client two = fx.connect("websocket", "/room-2");
        Fixture.Client main = fx.connect("websocket", "/");
        Fixture.take(connected);
        Fixture.take(connected);

        rooms.emit("hello", "children");
        fx.server.emit("end");

        assertEquals("children", one.next("hello")[1]);
        assertEquals("children", two.next("hello")[1]);
        assertEquals(List.of("end"), main.namesUntil("end"));
    }

    /**
     * In the reference server a child gets a copy of the parent's middlewares and listeners; one added to a child
     * afterwards concerns that child only, not its siblings.
     */
    @Test
    void aMiddlewareAddedToOneChildStaysWithThatChild() {
        fx.connect("websocket", "/room-1");
        Namespace first = Fixture.take(connected).namespace();

        first.use((socket, next) -> next.accept(new ConnectError("only room-1 is closed")));

        Fixture.Client sibling = fx.connect("websocket", "/room-2");
        assertEquals("/room-2", sibling.emitWithAck("where")[0]);
        assertEquals("only room-1 is closed",
                jackson(fx.connectError(fx.client("websocket", "/room-1", null))).path("message").asText());
        assertEquals(1, await(fx.server.of("/room-2").fetchSockets()).size());
    }
}
