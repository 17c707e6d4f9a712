package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ConnectAuthTest {
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void clientAndServerAgreeOnTheSocketAndItsTransport(String transport) {
        Fixture.Client client = fx.connect(transport);

        assertEquals(client.id(), client.server().id());
        assertEquals(transport, client.server().transport());
        assertEquals(true, client.server().connected());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void authReachesTheHandshakeInMiddlewaresAndHandlers(String transport) {
        CompletableFuture<JsonNode> inMiddleware = new CompletableFuture<>();
        fx.server.use((socket, next) -> {
            inMiddleware.complete(socket.handshake().auth().deepCopy());
            next.accept(null);
        });

        Fixture.Client client = fx.connect(transport, "/", Map.of("token", "s3cret", "user", "zoë"));

        JsonNode expected = JsonNodeFactory.instance.objectNode().put("token", "s3cret").put("user", "zoë");
        assertEquals(expected, await(inMiddleware));
        assertEquals(expected, client.server().handshake().auth());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void withoutAuthTheHandshakeHasAnEmptyObject(String transport) {
        Fixture.Client client = fx.connect(transport);

        assertEquals(JsonNodeFactory.instance.objectNode(), client.server().handshake().auth());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void handshakeCarriesTheQueryOfTheFirstRequest(String transport) {
        Fixture.Client client = fx.connect(transport);

        assertEquals("4", client.server().handshake().queryParam("EIO"));
        assertEquals("127.0.0.1", client.server().handshake().address());
    }
}
