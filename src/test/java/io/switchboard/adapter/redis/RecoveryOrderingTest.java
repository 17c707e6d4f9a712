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
 * volatile ones) reach the client in call order, whichever store keeps the log.
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
}
