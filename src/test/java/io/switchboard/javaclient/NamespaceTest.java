package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.jackson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.socket.client.Manager;
import io.switchboard.core.ConnectError;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Namespaces multiplexed over one connection, unknown ones, and middlewares refusing with data. */
class NamespaceTest {
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> socket.on("where", event -> event.ack("main " + socket.namespace().name())));
        fx.server.of("/chat").onConnection(socket ->
                socket.on("where", event -> event.ack("chat " + socket.namespace().name())));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void twoNamespacesShareOneConnection(String transport) {
        Manager manager = fx.manager(transport);
        Fixture.Client main = fx.connect(fx.client(manager, "/"));
        Fixture.Client chat = fx.connect(fx.client(manager, "/chat"));

        assertEquals(1, fx.server.engine().sessionCount());
        assertEquals("/", main.server().namespace().name());
        assertEquals("/chat", chat.server().namespace().name());
        assertNotEquals(main.id(), chat.id());
        assertEquals("main /", main.emitWithAck("where")[0]);
        assertEquals("chat /chat", chat.emitWithAck("where")[0]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void anEmitToOneNamespaceStaysInIt(String transport) {
        Manager manager = fx.manager(transport);
        Fixture.Client main = fx.connect(fx.client(manager, "/"));
        Fixture.Client chat = fx.connect(fx.client(manager, "/chat"));

        fx.server.of("/chat").emit("news", 1);
        fx.server.emit("end");
        fx.server.of("/chat").emit("end");

        assertEquals(List.of("end"), main.namesUntil("end"));
        assertEquals(List.of("news", "end"), chat.namesUntil("end"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void disconnectingOneNamespaceKeepsTheOther(String transport) {
        CompletableFuture<String> chatReason = new CompletableFuture<>();
        fx.server.of("/chat").onConnection(socket -> socket.onDisconnect(chatReason::complete));
        Manager manager = fx.manager(transport);
        Fixture.Client main = fx.connect(fx.client(manager, "/"));
        Fixture.Client chat = fx.connect(fx.client(manager, "/chat"));

        chat.socket.disconnect();

        assertEquals("client namespace disconnect", Fixture.await(chatReason));
        assertEquals("main /", main.emitWithAck("where")[0]);
        assertEquals(1, fx.server.engine().sessionCount());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void unknownNamespaceIsRefusedAndTheConnectionStaysUsable(String transport) {
        Manager manager = fx.manager(transport);
        Fixture.Client main = fx.connect(fx.client(manager, "/"));

        Object error = fx.connectError(fx.client(manager, "/nope"));

        assertEquals(JsonNodeFactory.instance.objectNode().put("message", "Invalid namespace"), jackson(error));
        assertEquals(false, fx.server.namespaces().containsKey("/nope"));
        assertEquals("main /", main.emitWithAck("where")[0]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void unknownNamespaceAloneIsRefused(String transport) {
        Object error = fx.connectError(fx.client(transport, "/nope", null));

        assertEquals("Invalid namespace", ((JSONObject) error).opt("message"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void middlewareRefusalCarriesMessageAndData(String transport) {
        fx.server.of("/admin").use((socket, next) -> {
            if ("letmein".equals(socket.handshake().auth().path("key").asText())) {
                next.accept(null);
            } else {
                next.accept(new ConnectError("unauthorized", Map.of("code", 401, "hints", List.of("key", "token"))));
            }
        });

        Object error = fx.connectError(fx.client(transport, "/admin", Map.of("key", "wrong")));

        ObjectNode expected = JsonNodeFactory.instance.objectNode().put("message", "unauthorized");
        expected.putObject("data").put("code", 401).putArray("hints").add("key").add("token");
        assertEquals(expected, jackson(error));
        Fixture.Client admitted = fx.connect(transport, "/admin", Map.of("key", "letmein"));
        assertEquals("/admin", admitted.server().namespace().name());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void middlewareErrorWithoutDataHasOnlyTheMessage(String transport) {
        fx.server.use((socket, next) -> next.accept(new IllegalStateException("no entry")));

        Object error = fx.connectError(fx.client(transport, "/", null));

        assertEquals(JsonNodeFactory.instance.objectNode().put("message", "no entry"), jackson(error));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void middlewareThatThrowsRefusesWithItsMessage(String transport) {
        fx.server.use((socket, next) -> {
            throw new IllegalStateException("boom");
        });

        Object error = fx.connectError(fx.client(transport, "/", null));

        assertEquals("boom", ((JSONObject) error).opt("message"));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void middlewaresRunInOrderAsynchronouslyAndTheirDataReachesTheHandlers(String transport) {
        fx.server.of("/chat").use((socket, next) -> {
            socket.data().put("steps", "first");
            CompletableFuture.runAsync(() -> next.accept(null));
        });
        fx.server.of("/chat").use((socket, next) -> {
            socket.data().put("steps", socket.data().get("steps") + ",second");
            next.accept(null);
        });

        Fixture.Client chat = fx.connect(transport, "/chat");

        assertEquals("first,second", chat.server().data().get("steps"));
    }
}
