package io.switchboard.bench.server;

import java.net.InetSocketAddress;

import io.switchboard.bench.Args;
import io.switchboard.core.AdapterFactory;
import io.switchboard.core.RecoveryOptions;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.protocol.Parser;

/**
 * Switchboard with the three bench handlers, default options otherwise:
 * <ul>
 *   <li>{@code join(room)}: joins the room, acks with nothing;</li>
 *   <li>{@code echo(...args)}: acks with the same arguments;</li>
 *   <li>{@code bcast(...args)}: emits {@code tick(...args)} to everyone in room {@code bench} (sender included).</li>
 * </ul>
 * {@code --port P [--host 127.0.0.1] [--redis redis://127.0.0.1:6379 | redis-cluster://h1:p1,h2:p2]
 * [--redis-sharded] [--parser default|msgpack] [--recovery] [--max-lifetime-s 900]}; {@code --recovery} turns
 * connection state recovery on (2 minutes, middlewares skipped: the reference's defaults, in-memory store). Prints
 * {@code READY <port>} once listening. GET /bench/gc runs a full GC and reports the heap.
 */
public final class SwitchboardBenchServer {
    private SwitchboardBenchServer() {
    }

    public static void main(String[] argv) throws Exception {
        useServerLogging();
        Args args = new Args(argv, "redis-sharded", "recovery");
        ServerSupport.boundLifetime(args.integer("max-lifetime-s", 900));
        ServerOptions options = new ServerOptions();
        // server-wide, as the option is: "msgpack" for the socket.io-msgpack-parser variant
        options.parser(Parser.fromName(args.str("parser", "default")));
        if (args.flag("recovery")) {
            options.connectionStateRecovery(new RecoveryOptions(120_000, true));
        }
        String redis = args.str("redis", null);
        if (redis != null) {
            AdapterFactory adapter = RedisAdapterPlug.factory(redis, args.flag("redis-sharded"));
            options.adapter(adapter);
        }
        Server server = new Server(options);
        server.engine().httpRoute(ServerSupport.GcRoute::new);
        server.onConnection(socket -> {
            socket.on("join", event -> {
                socket.join(event.arg(0).asText("bench"));
                event.ack();
            });
            socket.on("echo", event -> event.ackWith(event.args()));
            socket.on("bcast", event -> server.to("bench").emit("tick", event.argsArray()));
        });
        InetSocketAddress address = server.start(args.str("host", "127.0.0.1"), args.integer("port", 3000));
        // no shutdown hook: the harness kills the process once its clients are gone, nothing is left to save
        System.out.println("READY " + address.getPort());
        System.out.flush();
    }

    /**
     * Logs as the packaged server does (INFO, Netty at WARN): the jar on this classpath is the shaded server jar,
     * which carries logback but, since the library split, no root {@code logback.xml}; without a configuration
     * logback logs everything at DEBUG to stdout, three lines per connection, which would be measured as
     * Switchboard's cost (about 4 KiB of garbage per connect). An earlier jar with its own root
     * {@code logback.xml} is left as it is. Must run before anything logs.
     */
    private static void useServerLogging() {
        ClassLoader loader = SwitchboardBenchServer.class.getClassLoader();
        String bundled = "io/switchboard/server/logback-server.xml";
        if (System.getProperty("logback.configurationFile") == null && loader.getResource("logback.xml") == null
                && loader.getResource(bundled) != null) {
            System.setProperty("logback.configurationFile", bundled);
        }
    }
}
