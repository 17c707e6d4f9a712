package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The threading contract as application code sees it: listeners run on the socket's loop whoever emits, blocking
 * work goes to an executor of the application's and answers from there, and a socket that closed takes no rooms.
 */
class SocketThreadsTest {
    private final BlockingQueue<String> threads = new LinkedBlockingQueue<>();
    private final ExecutorService blockingWork = Executors.newSingleThreadExecutor();
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
    }

    @AfterEach
    void close() {
        blockingWork.shutdownNow();
        fx.close();
    }

    @Test
    void outgoingListenersRunOnTheSocketsLoopWhoeverEmits() {
        fx.server.onConnection(socket -> {
            socket.onAnyOutgoing((event, args) -> threads.add(event + " " + Thread.currentThread().getName()));
            socket.on("where", event -> event.ack(Thread.currentThread().getName()));
        });
        Fixture.Client client = fx.connect("websocket");
        String loopThread = (String) client.emitWithAck("where")[0];

        client.server().emit("direct");
        fx.server.emit("broadcast");
        client.next("direct");
        client.next("broadcast");

        String test = Thread.currentThread().getName();
        assertNotEquals(test, loopThread);
        assertEquals("direct " + loopThread, Fixture.take(threads));
        assertEquals("broadcast " + loopThread, Fixture.take(threads));
    }

    /** The README's way to do blocking work: hand it off, and answer from the other thread when it is done. */
    @Test
    void blockingWorkOnAnExecutorAnswersAfterwardsWhileTheLoopServesOthers() throws Exception {
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        fx.server.onConnection(socket -> {
            socket.on("lookup", event -> blockingWork.execute(() -> {
                try {
                    databaseAnswers.await(10, TimeUnit.SECONDS);   // stands for a blocking JDBC call
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                event.ack("row");                     // safe from any thread: it hops to the socket's loop
                socket.emit("looked-up", "row");
            }));
            socket.on("ping", event -> event.ack("pong"));
        });
        Fixture.Client client = fx.connect("websocket");
        CompletableFuture<Object> answer = new CompletableFuture<>();
        client.socket.emit("lookup", new Object[] {}, args -> answer.complete(args[0]));

        // while the lookup blocks its own thread, the loop still serves this client (and all on that loop)
        assertEquals("pong", client.emitWithAck("ping")[0]);
        databaseAnswers.countDown();

        assertEquals("row", Fixture.await(answer));
        assertEquals("row", client.next("looked-up")[1]);
    }

    @Test
    void aJoinAfterTheSocketClosedDoesNothing() {
        BlockingQueue<Socket> closed = new LinkedBlockingQueue<>();
        fx.server.onConnection(socket -> socket.onDisconnect(reason -> closed.add(socket)));
        Fixture.Client client = fx.connect("websocket");

        client.socket.disconnect();
        Socket socket = Fixture.take(closed);
        socket.join("late");
        socket.leave("late");
        socket.join("later");

        assertEquals(Set.of(), fx.server.sockets().adapter().rooms());
        assertEquals(List.of(), Fixture.await(fx.server.in("later").fetchSockets()));
    }

    @Test
    void dataTakesNullValuesAndFetchSocketsShowsThem() {
        fx.server.onConnection(socket -> socket.data().put("nickname", null));
        Fixture.Client client = fx.connect("websocket");

        Map<String, Object> expected = new HashMap<>();
        expected.put("nickname", null);
        assertEquals(expected, Fixture.await(fx.server.fetchSockets()).get(0).data());
        assertEquals(client.id(), Fixture.await(fx.server.fetchSockets()).get(0).id());
    }

    @Test
    void javaIdioms() throws InterruptedException {
        fx.server.onConnection(socket -> socket.on("ping", event -> event.ack("pong")));
        Fixture.Client client = fx.connect("websocket");
        client.socket.on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes"));
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        // a lambda as callback needs no cast, and timeouts take a Duration
        client.server().emit("question", (error, args) -> answers.add("plain " + args), "arg");
        client.server().timeout(java.time.Duration.ofSeconds(10))
                .emit("question", (error, args) -> answers.add("timed " + args));

        assertEquals(Set.of("plain [\"yes\"]", "timed [\"yes\"]"),
                Set.of(Fixture.take(answers), Fixture.take(answers)));
        assertEquals(1, Fixture.await(fx.server.timeout(java.time.Duration.ofSeconds(10))
                .emitWithAck("question")).size());
    }

    @Test
    void aServerIsAutoCloseableAndAFailedStartReleasesItsThreads() throws Exception {
        int before = liveNonDaemonThreads();
        try (Server second = new Server()) {
            assertThrows(java.net.BindException.class, () -> second.start("127.0.0.1", fx.port));
        }
        Fixture.awaitEquals(true, () -> liveNonDaemonThreads() <= before);
    }

    private static int liveNonDaemonThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon()).count();
    }
}
