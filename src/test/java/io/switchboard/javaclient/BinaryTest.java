package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Binary arguments, nested in JSON, keep their exact bytes in both directions. */
class BinaryTest {
    private Fixture fx;
    private final CompletableFuture<ArrayNode> received = new CompletableFuture<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> socket.on("upload", event -> received.complete(event.args().deepCopy())));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void clientToServerNestedInJson(String transport) throws Exception {
        Fixture.Client client = fx.connect(transport);
        byte[] first = everyByte();
        byte[] second = randomBytes(70_000);

        client.socket.emit("upload", new JSONObject()
                .put("name", "file")
                .put("data", first)
                .put("parts", new JSONArray().put(new JSONObject().put("chunk", second)).put(1)), "after");

        ArrayNode args = await(received);
        assertEquals(2, args.size());
        JsonNode object = args.get(0);
        assertEquals("file", object.get("name").asText());
        assertTrue(object.get("data").isBinary(), "data is binary: " + object.get("data").getNodeType());
        assertArrayEquals(first, object.get("data").binaryValue());
        assertArrayEquals(second, object.get("parts").get(0).get("chunk").binaryValue());
        assertEquals(1, object.get("parts").get(1).asInt());
        assertEquals("after", args.get(1).asText());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverToClientNestedInJson(String transport) throws Exception {
        Fixture.Client client = fx.connect(transport);
        byte[] first = everyByte();
        byte[] second = randomBytes(70_000);

        client.server().emit("download", Map.of("data", first, "parts", List.of(Map.of("chunk", second), 1)), "after");

        Object[] event = client.next("download");
        JSONObject object = (JSONObject) event[1];
        assertArrayEquals(first, (byte[]) object.get("data"));
        JSONArray parts = object.getJSONArray("parts");
        assertArrayEquals(second, (byte[]) parts.getJSONObject(0).get("chunk"));
        assertEquals(1, parts.get(1));
        assertEquals("after", event[2]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void binaryAsTopLevelArgumentsAndInAcks(String transport) {
        fx.server.onConnection(socket -> socket.on("reverse", event -> {
            byte[] bytes = event.arg(0, byte[].class);
            byte[] reversed = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                reversed[i] = bytes[bytes.length - 1 - i];
            }
            event.ack(reversed, bytes);
        }));
        Fixture.Client client = fx.connect(transport);
        byte[] bytes = everyByte();

        Object[] answer = client.emitWithAck("reverse", (Object) bytes);

        byte[] reversed = (byte[]) answer[0];
        assertEquals(256, reversed.length);
        for (int i = 0; i < 256; i++) {
            assertEquals((byte) (255 - i), reversed[i]);
        }
        assertArrayEquals(bytes, (byte[]) answer[1]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void emptyBinaryBothWays(String transport) throws Exception {
        Fixture.Client client = fx.connect(transport);

        client.socket.emit("upload", new JSONObject().put("empty", new byte[0]));
        client.server().emit("download", Map.of("empty", new byte[0]));

        assertArrayEquals(new byte[0], await(received).get(0).get("empty").binaryValue());
        assertArrayEquals(new byte[0], (byte[]) ((JSONObject) client.next("download")[1]).get("empty"));
    }
}
