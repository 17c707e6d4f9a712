package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.await;
import static io.switchboard.javaclient.Fixture.jackson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** JSON arguments keep their exact shape and values from the Java client to the server and back. */
class EventEchoTest {
    private Fixture fx;
    private final CompletableFuture<ArrayNode> received = new CompletableFuture<>();

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
        fx.server.onConnection(socket -> socket.on("echo", event -> {
            received.complete(event.args().deepCopy());
            socket.emit("echoed", event.argsArray());
        }));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    static JSONObject nested() throws Exception {
        JSONArray list = new JSONArray();
        list.put(1);
        list.put(JSONObject.NULL);
        list.put("two");
        list.put(new JSONObject());
        list.put(new JSONArray());
        list.put(new JSONArray().put(new JSONArray().put(false)));
        JSONObject object = new JSONObject();
        object.put("null", JSONObject.NULL);
        object.put("emptyObject", new JSONObject());
        object.put("emptyArray", new JSONArray());
        object.put("list", list);
        object.put("big", 5_000_000_000L);
        object.put("negativeBig", -5_000_000_000L);
        object.put("max", Long.MAX_VALUE);
        object.put("min", Long.MIN_VALUE);
        object.put("int", Integer.MAX_VALUE);
        object.put("zero", 0);
        object.put("double", 3.25);
        object.put("negativeDouble", -0.5);
        object.put("tiny", 1.5e-9);
        object.put("huge", 6.02e23);
        object.put("true", true);
        object.put("unicode", "zoë — 日本語 🎉 \u0000 \"quoted\" \\ \n\t \u2028");
        object.put("emoji key 🔑", "");
        object.put("deep", new JSONObject().put("a", new JSONObject().put("b", new JSONObject().put("c",
                new JSONArray().put(new JSONObject().put("d", JSONObject.NULL))))));
        return object;
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void nestedJsonTravelsBothWaysUnchanged(String transport) throws Exception {
        Fixture.Client client = fx.connect(transport);
        JSONObject sent = nested();

        client.socket.emit("echo", sent, "second", 42, JSONObject.NULL, new JSONArray());

        ArrayNode expected = (ArrayNode) jackson(new JSONArray().put(sent).put("second").put(42)
                .put(JSONObject.NULL).put(new JSONArray()));
        assertEquals(expected, await(received), "what the server got");
        Object[] echoed = client.next("echoed");
        assertEquals(6, echoed.length);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), jackson(echoed[i + 1]), "echoed argument " + i);
        }
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void javaValuesFromTheServerReachTheClientAsJson(String transport) throws Exception {
        Fixture.Client client = fx.connect(transport);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("list", List.of(1, "a", List.of(), Map.of()));
        map.put("nothing", null);
        map.put("long", 1L << 40);
        map.put("double", 0.1);
        map.put("text", "ünïcödé ✓");

        client.server().emit("values", map, 7, "plain", null, true);

        Object[] event = client.next("values");
        JSONObject object = (JSONObject) event[1];
        assertEquals(jackson(new JSONArray().put(1).put("a").put(new JSONArray()).put(new JSONObject())),
                jackson(object.get("list")));
        assertEquals(JSONObject.NULL, object.get("nothing"));
        assertEquals(1L << 40, object.get("long"));
        assertEquals(0.1, object.get("double"));
        assertEquals("ünïcödé ✓", object.get("text"));
        assertEquals(7, event[2]);
        assertEquals("plain", event[3]);
        assertEquals(JSONObject.NULL, event[4]);
        assertEquals(true, event[5]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void anEventWithoutArgumentsHasNone(String transport) {
        Fixture.Client client = fx.connect(transport);

        client.socket.emit("echo");

        assertEquals(0, await(received).size());
        assertEquals(1, client.next("echoed").length);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void manyEventsArriveInOrder(String transport) {
        Fixture.Client client = fx.connect(transport);
        for (int i = 0; i < 200; i++) {
            client.server().emit("n", i);
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(i, client.next("n")[1]);
        }
    }
}
