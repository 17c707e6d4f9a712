package io.switchboard.recovery;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import io.switchboard.adapter.redis.RedisAdapterFactory;
import io.switchboard.adapter.redis.RedisAdapterOptions;
import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.protocol.Parser;

/**
 * The server of the connection state recovery end-to-end tests:
 * {@code RecoveryFixture [--max-disconnection MS] [--skip-middlewares true|false] [--store-timeout MS]
 * [--redis URL --key PREFIX] [--port N] [--parser default|msgpack]}. A second client drives it with events while
 * the first one is away.
 */
public final class RecoveryFixture {
    private RecoveryFixture() {
    }

    public static void main(String[] args) throws Exception {
        long maxDisconnection = 120_000;
        boolean skipMiddlewares = true;
        String redisUrl = null;
        String redisKey = "socket.io";
        int port = 0;
        long storeTimeout = RecoveryOptions.DEFAULT_STORE_TIMEOUT_MILLIS;
        Parser parser = Parser.DEFAULT;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--max-disconnection" -> maxDisconnection = Long.parseLong(args[i + 1]);
                case "--skip-middlewares" -> skipMiddlewares = Boolean.parseBoolean(args[i + 1]);
                case "--redis" -> redisUrl = args[i + 1];
                case "--key" -> redisKey = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--store-timeout" -> storeTimeout = Long.parseLong(args[i + 1]);
                case "--parser" -> parser = Parser.fromName(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ServerOptions options = new ServerOptions().parser(parser)
                .connectionStateRecovery(new RecoveryOptions(maxDisconnection, skipMiddlewares, storeTimeout));
        if (redisUrl != null) {
            // a cluster node: broadcasts and the recovery log go through Redis, so any node can recover a session
            RedisAdapterFactory redis = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redisUrl)
                    .key(redisKey));
            options.adapter(redis).recoveryStore(redis.recoveryStores());
        }
        Server server = new Server(options);
        AtomicInteger middlewareRuns = new AtomicInteger();
        server.use((socket, next) -> {
            middlewareRuns.incrementAndGet();
            next.accept(null);
        });
        server.onConnection(socket -> {
            socket.emit("welcome", java.util.Map.of("id", socket.id(), "recovered", socket.recovered()));
            socket.on("join", event -> {
                socket.join(event.arg(0).asText());
                event.ack(true);
            });
            socket.on("rooms", event -> event.ack(socket.rooms()));
            socket.on("to-room", event -> {
                server.to(event.arg(0).asText()).emit(event.arg(1).asText(), event.arg(2));
                event.ack(true);
            });
            socket.on("middleware-runs", event -> event.ack(middlewareRuns.get()));
            socket.on("set-data", event -> {
                socket.data().put(event.arg(0).asText(), event.arg(1).asText());
                event.ack(true);
            });
            socket.on("get-data", event -> event.ack(socket.data()));
        });
        InetSocketAddress address = server.start("127.0.0.1", port);
        // SIGTERM stops the node as a drain does: its sockets are disconnected with "server shutting down"
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("listening on 127.0.0.1:" + address.getPort());
    }
}
