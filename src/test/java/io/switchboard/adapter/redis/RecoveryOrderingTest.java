package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.switchboard.core.AckCallback;
import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With connection state recovery on, the packets that are logged (plain emits) and those that are not (acked and
 * volatile ones) reach the client in call order, whichever store keeps the log; and logged packets sent at once from
 * many threads (other threads and the loops) reach every client in the order of their offsets, so that a client
 * resuming after the last offset it got has had everything before it.
 */
class RecoveryOrderingTest {
    private Server server;
    private RedisAdapterFactory factory;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (factory != null) {
            factory.close();
        }
    }

    @Test
    void inMemoryStoreKeepsCallOrder() throws Exception {
        assertCallOrder(new ServerOptions());
    }

    @Test
    void redisStoreKeepsCallOrder() throws Exception {
        factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(RedisTestSupport.url())
                .key("ordering-" + Ids.random(6)));
        assertCallOrder(new ServerOptions().adapter(factory).recoveryStore(factory.recoveryStores()));
    }

    private void assertCallOrder(ServerOptions options) throws Exception {
        server = new Server(options.connectionStateRecovery(new RecoveryOptions(60_000, true)));
        server.onConnection(socket -> socket.on("ready", event -> event.ack("ready")).on("go", event -> {
            socket.emit("a");
            socket.emit("b", (AckCallback) (error, args) -> { });
            server.emit("c");
            server.except().asVolatile().emit("d");
            socket.emit("e");
            socket.timeout(5_000).emit("f", (AckCallback) (error, args) -> { });
            socket.emit("end");
        }));
        try {
            if (server.of("/").adapter() instanceof RedisClusterAdapter redis) {
                redis.subscribed().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        int port = server.start("127.0.0.1", 0).getPort();
        TestClient client = TestClient.connect(port, "/", Map.of());
        // what a connection handler emits is held a moment after the CONNECT (another matter): start once an
        // answer came through
        java.util.concurrent.CompletableFuture<Object> ready = new java.util.concurrent.CompletableFuture<>();
        client.socket.emit("ready", new Object[0], args -> ready.complete(args[0]));
        TestClient.await(ready);
        client.socket.emit("go");
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "end"), client.namesUntil("end"));
        client.close();
    }

    @Test
    void inMemoryStoreSendsConcurrentPacketsInOffsetOrder() throws Exception {
        assertOffsetOrder(new ServerOptions(), offset -> List.of(Long.parseLong(offset, 36), 0L));
    }

    @Test
    void redisStoreSendsConcurrentPacketsInOffsetOrder() throws Exception {
        factory = RedisAdapterFactory.connect(new RedisAdapterOptions().url(RedisTestSupport.url())
                .key("offset-order-" + Ids.random(6)));
        // one node: every packet is this node's own, and its position in its own log is what orders them
        assertOffsetOrder(new ServerOptions().adapter(factory).recoveryStore(factory.recoveryStores()), offset -> {
            RecoveryOffset parsed = RecoveryOffset.parse(offset);
            RecoveryOffset.Position own = parsed.positions().get(parsed.marked());
            return List.of(own.ms(), own.seq());
        });
    }

    private static final int CLIENTS = 6;
    private static final int THREADS = 3;
    private static final int PER_THREAD = 300;
    private static final int FIRES = 150;

    private void assertOffsetOrder(ServerOptions options, java.util.function.Function<String, List<Long>> position)
            throws Exception {
        server = new Server(options.connectionStateRecovery(new RecoveryOptions(60_000, true)));
        List<io.switchboard.core.Socket> serverSockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.onConnection(socket -> {
            socket.join("room");
            serverSockets.add(socket);
            // broadcasts from the loops, racing those of the other threads
            socket.on("fire", event -> {
                for (int i = 0; i < FIRES; i++) {
                    server.to("room").emit("m", "loop-" + socket.id() + "-" + i);
                }
            });
        });
        if (server.of("/").adapter() instanceof RedisClusterAdapter redis) {
            redis.subscribed().get(10, TimeUnit.SECONDS);
        }
        int port = server.start("127.0.0.1", 0).getPort();
        List<TestClient> clients = new java.util.ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(TestClient.connect(port, "/", Map.of()));
        }
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int n = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    server.to("room").emit("m", "thread-" + n + "-" + i);
                }
            }));
        }
        // emits to each socket from another thread: logged too, in the same order as the broadcasts
        threads.add(new Thread(() -> {
            for (int i = 0; i < PER_THREAD; i++) {
                for (io.switchboard.core.Socket socket : serverSockets) {
                    socket.emit("m", "direct-" + i);
                }
            }
        }));
        clients.get(0).socket.emit("fire");
        clients.get(1).socket.emit("fire");
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        int expected = THREADS * PER_THREAD + 2 * FIRES + PER_THREAD;
        for (TestClient client : clients) {
            List<Long> last = null;
            for (int received = 0; received < expected; received++) {
                Object[] event = client.next("m");
                List<Long> at = position.apply(String.valueOf(event[event.length - 1]));
                if (last != null) {
                    List<Long> before = last;
                    org.junit.jupiter.api.Assertions.assertTrue(compare(before, at) < 0, () -> "client "
                            + client.id() + " got offset " + at + " after " + before + " (" + event[1] + ")");
                }
                last = at;
            }
            client.close();
        }
    }

    private static int compare(List<Long> a, List<Long> b) {
        int first = Long.compare(a.get(0), b.get(0));
        return first != 0 ? first : Long.compare(a.get(1), b.get(1));
    }
}
