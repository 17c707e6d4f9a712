package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nothing of an acknowledgement or a rooms request stays behind once it is settled. */
class LeftoversTest {
    private Fixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aBroadcastWithAckThatTimedOutLeavesNoPendingEntryOnItsSockets() throws InterruptedException {
        fx = Fixture.start();
        Fixture.Client silent = fx.connect("websocket");
        silent.socket.on("question", args -> { });   // never answers

        Throwable error = Fixture.awaitFailure(fx.server.timeout(Duration.ofMillis(200)).emitWithAck("question"));

        assertInstanceOf(AckTimeoutException.class, error);
        Fixture.awaitEquals(0, () -> silent.server().pendingAckCount());
    }

    @Test
    void anAnsweredTimedAckLetsItsSocketGoAtOnce() throws InterruptedException {
        fx = Fixture.start();
        List<WeakReference<Socket>> sockets = new ArrayList<>();
        CompletableFuture<Object> answered = new CompletableFuture<>();
        fx.server.onConnection(socket -> {
            sockets.add(new WeakReference<>(socket));
            // a long timeout: a timer not cancelled by the answer would hold the socket for ten minutes
            socket.timeout(Duration.ofMinutes(10)).emit("question", (err, args) -> answered.complete(args.get(0)));
        });
        Fixture.Client client = fx.client("websocket", "/", null);
        client.socket.on("question", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes"));
        client.socket.connect();
        Fixture.await(answered);

        client.socket.disconnect();
        Fixture.awaitEquals(true, () -> {
            System.gc();
            return sockets.get(0).get() == null;
        });
    }

    @Test
    void socketsJoinSkipsOnlyTheSocketsOverTheLimit() throws InterruptedException {
        fx = Fixture.start(new ServerOptions().maxRoomsPerSocket(2));
        fx.server.onConnection(socket -> {
            if (socket.handshake().auth().has("full")) {
                socket.join("mine");
            }
        });
        List<Fixture.Client> full = new ArrayList<>();
        List<String> free = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            full.add(fx.connect("websocket", "/", java.util.Map.of("full", "1")));
            free.add(fx.connect("websocket").id());
        }

        fx.server.sockets().socketsJoin("everyone");

        Fixture.awaitEquals(Set.copyOf(free), () -> fx.server.sockets().adapter().sockets(Set.of("everyone")));
        for (Fixture.Client client : full) {
            assertEquals(Set.of(client.id(), "mine"), client.server().rooms());
        }
    }
}
