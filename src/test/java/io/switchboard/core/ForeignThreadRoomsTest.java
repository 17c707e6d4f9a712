package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

import io.switchboard.engine.EngineOptions;
import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Joins and leaves from a thread that is no event loop (a database callback, say), on a server with four loops so
 * that the sockets live on several: they run on each socket's loop, and what the same thread does next (a broadcast,
 * fetchSockets) sees them, without any waiting in between.
 */
class ForeignThreadRoomsTest {
    private static final int CLIENTS = 8;

    /** Every change to the rooms index, with whether it ran on the loop of the socket it changes. */
    private final BlockingQueue<String> offLoopChanges = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> offLoopListeners = new LinkedBlockingQueue<>();
    private final ExecutorService application = Executors.newSingleThreadExecutor();
    private Fixture fx;
    private final List<Fixture.Client> clients = new ArrayList<>();

    private final class WatchedAdapter extends InMemoryAdapter {
        WatchedAdapter(Namespace namespace) {
            super(namespace);
        }

        private void watch(String socketId, String what) {
            Socket socket = namespace.localSocket(socketId);
            if (socket != null) {
                changes.add(what);
                if (!socket.loop().inLoop()) {
                    offLoopChanges.add(what + " on " + Thread.currentThread().getName());
                }
            }
        }

        @Override
        public void addAll(String socketId, Set<String> rooms) {
            watch(socketId, "join " + rooms);
            super.addAll(socketId, rooms);
        }

        @Override
        public void del(String socketId, String room) {
            watch(socketId, "leave " + room);
            super.del(socketId, room);
        }

        @Override
        public void delAll(String socketId) {
            watch(socketId, "leave all");
            super.delAll(socketId);
        }
    }

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start(new ServerOptions().engine(new EngineOptions().ioThreads(4)).adapter(WatchedAdapter::new));
        fx.server.onConnection(socket -> {
            socket.on("where", event -> event.ack(Thread.currentThread().getName()));
            socket.onAnyOutgoing((event, args) -> {
                if (!socket.loop().inLoop()) {
                    offLoopListeners.add(event + " on " + Thread.currentThread().getName());
                }
            });
        });
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(fx.connect("websocket"));
        }
        Set<Object> loops = new HashSet<>();
        for (Fixture.Client client : clients) {
            loops.add(client.emitWithAck("where")[0]);
        }
        assertTrue(loops.size() > 1, "the sockets should live on several loops: " + loops);
    }

    @AfterEach
    void close() {
        application.shutdownNow();
        fx.close();
    }

    private <T> T onApplicationThread(java.util.concurrent.Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        application.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return Fixture.await(result);
    }

    @Test
    void aBroadcastAfterAJoinFromTheSameThreadReachesEverySocket() {
        for (int round = 0; round < 3; round++) {
            String room = "round-" + round;
            int n = round;
            onApplicationThread(() -> {
                clients.forEach(client -> client.server().join(room));
                fx.server.to(room).emit("hello", n);
                return null;
            });
            for (Fixture.Client client : clients) {
                assertEquals(n, ((Number) client.next("hello")[1]).intValue());
            }
        }
        assertEquals(List.of(), List.copyOf(offLoopChanges));
        assertEquals(List.of(), List.copyOf(offLoopListeners));
    }

    @Test
    void fetchSocketsAndLeaveFromTheSameThreadSeeTheJoinsBefore() {
        Set<String> all = clients.stream().map(Fixture.Client::id).collect(Collectors.toSet());
        List<RemoteSocket> found = onApplicationThread(() -> {
            clients.forEach(client -> client.server().join("db"));
            return fx.server.in("db").fetchSockets();
        }).join();
        assertEquals(all, found.stream().map(RemoteSocket::id).collect(Collectors.toSet()));

        onApplicationThread(() -> {
            clients.forEach(client -> client.server().leave("db"));
            fx.server.to("db").emit("after-leave");
            fx.server.emit("marker");
            return null;
        });
        for (Fixture.Client client : clients) {
            assertFalse(client.namesUntil("marker").contains("after-leave"));
        }
        assertEquals(List.of(), Fixture.await(fx.server.in("db").fetchSockets()));
        assertEquals(List.of(), List.copyOf(offLoopChanges));
    }

    @Test
    void socketsJoinAndLeaveFromAnotherThreadRunOnEachSocketsLoop() {
        List<RemoteSocket> found = onApplicationThread(() -> {
            fx.server.sockets().socketsJoin("everyone");
            fx.server.in("everyone").socketsJoin("also");
            return fx.server.in("also").fetchSockets();
        }).join();
        assertEquals(CLIENTS, found.size());
        assertTrue(found.stream().allMatch(info -> info.rooms().contains("everyone")));

        int count = onApplicationThread(() -> {
            fx.server.in("also").socketsLeave("everyone");
            return fx.server.in("everyone").fetchSockets();
        }).join().size();
        assertEquals(0, count);
        assertTrue(changes.size() >= 3 * CLIENTS, "joins and leaves were watched: " + changes.size());
        assertEquals(List.of(), List.copyOf(offLoopChanges));
    }
}
