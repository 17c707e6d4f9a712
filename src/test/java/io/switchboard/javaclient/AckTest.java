package io.switchboard.javaclient;

import static io.switchboard.javaclient.Fixture.await;
import static io.switchboard.javaclient.Fixture.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.socket.client.Ack;
import io.switchboard.core.AckTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Acknowledgements from client to server and back, with and without timeouts. */
class AckTest {
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    /** The client acks every "question" with "answer to " + its argument. */
    private static void answerQuestions(Fixture.Client client) {
        client.socket.on("question", args -> ((Ack) args[args.length - 1]).call("answer to " + args[0]));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void clientEmitWithAckIsAnsweredByTheServer(String transport) {
        fx.server.onConnection(socket -> socket.on("add", event -> {
            assertTrue(event.wantsAck());
            event.ack(event.arg(0).asLong() + event.arg(1).asLong(), java.util.Map.of("ok", true));
        }));
        Fixture.Client client = fx.connect(transport);

        Object[] answer = client.emitWithAck("add", 5_000_000_000L, 7);

        assertEquals(2, answer.length);
        assertEquals(5_000_000_007L, answer[0]);
        assertEquals(JsonNodeFactory.instance.objectNode().put("ok", true), Fixture.jackson(answer[1]));
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void onlyTheFirstServerAckCounts(String transport) {
        fx.server.onConnection(socket -> socket.on("twice", event -> {
            event.ack("first");
            event.ack("second");
            socket.emit("done");
        }));
        Fixture.Client client = fx.connect(transport);
        List<Object[]> answers = new CopyOnWriteArrayList<>();

        client.socket.emit("twice", new Object[0], answers::add);

        client.next("done");
        assertEquals(1, answers.size());
        assertEquals("first", answers.get(0)[0]);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverEmitWithAckIsAnsweredByTheClient(String transport) {
        Fixture.Client client = fx.connect(transport);
        answerQuestions(client);

        ArrayNode answer = await(client.server().timeout(Fixture.TIMEOUT_MS).emitWithAck("question", 42));

        assertEquals(JsonNodeFactory.instance.arrayNode().add("answer to 42"), answer);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverEmitWithAckCallbackWithoutTimeout(String transport) {
        Fixture.Client client = fx.connect(transport);
        answerQuestions(client);
        CompletableFuture<ArrayNode> answer = new CompletableFuture<>();

        client.server().emit("question", "x", (io.switchboard.core.AckCallback) (error, args) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(args);
            }
        });

        assertEquals("answer to x", await(answer).get(0).asText());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void serverAckTimesOutWhenTheClientNeverAnswers(String transport) {
        Fixture.Client client = fx.connect(transport);

        CompletableFuture<ArrayNode> answer = client.server().timeout(200).emitWithAck("ignored", 1);

        assertInstanceOf(AckTimeoutException.class, awaitFailure(answer));
        Object[] event = client.next("ignored");
        assertInstanceOf(Ack.class, event[2], "the client was asked for an ack");
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void anAckAfterTheTimeoutIsIgnored(String transport) {
        Fixture.Client client = fx.connect(transport);
        CompletableFuture<ArrayNode> late = client.server().timeout(100).emitWithAck("slow");
        Ack ack = (Ack) client.next("slow")[1];

        assertInstanceOf(AckTimeoutException.class, awaitFailure(late));
        ack.call("too late");
        answerQuestions(client);

        // the connection still works and the late answer did not land on another emit
        assertEquals("answer to 2", await(client.server().timeout(Fixture.TIMEOUT_MS).emitWithAck("question", 2))
                .get(0).asText());
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void broadcastWithAckCollectsEveryClientsAnswer(String transport) {
        Fixture.Client a = fx.connect(transport);
        Fixture.Client b = fx.connect(transport);
        answerQuestions(a);
        answerQuestions(b);

        List<JsonNode> answers = await(fx.server.sockets().timeout(Fixture.TIMEOUT_MS).emitWithAck("question", "all"));

        assertEquals(List.of(JsonNodeFactory.instance.textNode("answer to all"),
                JsonNodeFactory.instance.textNode("answer to all")), answers);
    }

    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void broadcastWithAckTimesOutWithTheAnswersThatCame(String transport) {
        Fixture.Client answering = fx.connect(transport);
        Fixture.Client silent = fx.connect(transport);
        answerQuestions(answering);
        CompletableFuture<List<JsonNode>> partial = new CompletableFuture<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        fx.server.sockets().timeout(300).emit("question", "all", (io.switchboard.core.BroadcastOperator.BroadcastAck)
                (error, answers) -> {
                    failure.complete(error);
                    partial.complete(answers);
                });

        assertInstanceOf(AckTimeoutException.class, await(failure));
        assertEquals(List.of(JsonNodeFactory.instance.textNode("answer to all")), await(partial));
        silent.next("question");
    }

    /**
     * A socket's own emitWithAck and a namespace broadcast with ack must not share acknowledgement ids: the reference
     * server draws both from the namespace's counter.
     */
    @ParameterizedTest
    @FieldSource("io.switchboard.javaclient.Fixture#TRANSPORTS")
    void directAndBroadcastAcksPendingTogetherBothComplete(String transport) {
        Fixture.Client client = fx.connect(transport);
        answerQuestions(client);
        CompletableFuture<Ack> held = new CompletableFuture<>();
        client.socket.on("hold", args -> held.complete((Ack) args[args.length - 1]));

        CompletableFuture<ArrayNode> direct = client.server().timeout(Fixture.TIMEOUT_MS).emitWithAck("hold");
        Ack directAck = await(held);
        List<JsonNode> broadcast = await(fx.server.sockets().timeout(Fixture.TIMEOUT_MS).emitWithAck("question", "b"));
        directAck.call("held answer");

        assertEquals(List.of(JsonNodeFactory.instance.textNode("answer to b")), broadcast);
        assertEquals("held answer", await(direct).get(0).asText());
    }
}
