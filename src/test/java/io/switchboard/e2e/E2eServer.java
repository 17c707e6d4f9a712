package io.switchboard.e2e;

import io.switchboard.adapter.redis.RedisAdapterFactory;
import io.switchboard.adapter.redis.RedisAdapterOptions;
import io.switchboard.core.RecoveryOptions;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.BroadcastOperator;
import io.switchboard.core.ConnectError;
import io.switchboard.core.Event;
import io.switchboard.core.Namespace;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.Socket;
import io.switchboard.engine.CorsOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.protocol.Parser;

/**
 * The server the end-to-end tests in {@code e2e/test} run against with the real {@code socket.io-client}:
 *
 * <pre>E2eServer [--port N] [--host H] [--ping-interval MS] [--ping-timeout MS] [--parser default|msgpack]
 *           [--redis URL [--redis-key PREFIX] [--cluster-engine true [--cluster-forward-timeout MS]]] [--recovery MS]
 *           [--allow-eio3]</pre>
 *
 * Prints {@code listening on HOST:PORT} once bound (port 0, the default, picks a free one), runs until killed and
 * closes the server (clients see the connection go) on SIGTERM.
 *
 * <p>Namespaces: "/" (no middleware), "/auth-ns" (refuses unless {@code auth.token === "good"}, with
 * {@code ConnectError("not authorized", {code: 401})}), "/async-auth-ns" (the same decided later on another
 * thread), "/plain-refusal" (a middleware throwing a plain exception), and the dynamic family {@code /dyn-\d+}. All
 * of them install the same handlers (see {@link #install}); every socket gets an {@code auth} event with its
 * handshake auth on connection, and every disconnection is reported to the sockets of room "observers" of "/" as
 * {@code peer-disconnect {id, nsp, reason}}. "/kick-on-connect" and "/close-on-connect" emit {@code bye} and
 * disconnect the socket (the namespace only, or the whole connection) right in their connection handler.
 */
public final class E2eServer {
    private static final String OBSERVERS = "observers";

    private final Server server;

    private E2eServer(Server server) {
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 0;
        EngineOptions engine = new EngineOptions().cors(CorsOptions.anyOrigin(true));
        Parser parser = Parser.DEFAULT;
        String redisUrl = null;
        String redisKey = "socket.io";
        boolean clusterEngine = false;
        long recovery = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--host" -> host = required(args[i], value);
                case "--ping-interval" -> engine.pingInterval(Long.parseLong(required(args[i], value)));
                case "--ping-timeout" -> engine.pingTimeout(Long.parseLong(required(args[i], value)));
                case "--parser" -> parser = Parser.fromName(required(args[i], value));
                case "--allow-eio3" -> {
                    engine.allowEIO3(true);
                    i--;   // a flag without a value
                }
                case "--redis" -> redisUrl = required(args[i], value);
                case "--redis-key" -> redisKey = required(args[i], value);
                case "--cluster-engine" -> clusterEngine = Boolean.parseBoolean(required(args[i], value));
                case "--recovery" -> recovery = Long.parseLong(required(args[i], value));
                case "--cluster-forward-timeout" -> engine.clusterForwardTimeout(
                        Long.parseLong(required(args[i], value)));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        ServerOptions options = new ServerOptions().engine(engine).connectTimeout(5_000).parser(parser);
        if (recovery > 0) {
            options.connectionStateRecovery(new RecoveryOptions(recovery, true, 2_000));
        }
        RedisAdapterFactory redis = null;
        if (redisUrl != null) {
            redis = RedisAdapterFactory.connect(new RedisAdapterOptions().url(redisUrl).key(redisKey));
            options.adapter(redis).recoveryStore(redis.recoveryStores());
            if (clusterEngine) {
                engine.cluster(redis.engineLink());
                // the tests tell which node owns a session by the tag its id begins with
                System.out.println("E2eServer cluster node tag " + redis.engineLink().nodeTag());
            }
        } else if (clusterEngine) {
            throw new IllegalArgumentException("--cluster-engine needs --redis");
        }
        Server server = new Server(options);
        new E2eServer(server).configure();
        InetSocketAddress address = server.start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "e2e-shutdown"));
        System.out.println("E2eServer listening on " + host + ":" + address.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String required(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    private void configure() {
        server.onConnection(this::install);

        server.of("/auth-ns")
                .use((socket, next) -> next.accept(goodToken(socket) ? null
                        : new ConnectError("not authorized", Map.of("code", 401))))
                .onConnection(this::install);

        server.of("/async-auth-ns")
                .use((socket, next) -> CompletableFuture.runAsync(
                        () -> next.accept(goodToken(socket) ? null
                                : new ConnectError("not authorized, later", Map.of("code", 403, "later", true))),
                        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)))
                .onConnection(this::install);

        server.of("/plain-refusal")
                .use((socket, next) -> {
                    throw new IllegalStateException("plain failure");
                })
                .onConnection(this::install);

        server.of(Pattern.compile("/dyn-\\d+")).onConnection(this::install);

        // connection handlers that say goodbye at once: the namespace only, or the whole connection
        server.of("/kick-on-connect").onConnection(socket -> {
            reportDisconnect(socket);
            socket.emit("bye", "kicked");
            socket.disconnect();
        });
        server.of("/close-on-connect").onConnection(socket -> {
            reportDisconnect(socket);
            socket.emit("bye", "closed");
            socket.disconnect(true);
        });
    }

    /** Reports the socket's disconnection to the sockets of room "observers" of "/". */
    private void reportDisconnect(Socket socket) {
        socket.onDisconnect(reason -> server.sockets().to(OBSERVERS).emit("peer-disconnect",
                object(Map.of("id", socket.id(), "nsp", socket.namespace().name(), "reason", reason))));
    }

    private static boolean goodToken(Socket socket) {
        return "good".equals(socket.handshake().auth().path("token").asText(null));
    }

    /** The handlers of every namespace. */
    private void install(Socket socket) {
        Namespace nsp = socket.namespace();

        socket.emit("auth", socket.handshake().auth());
        reportDisconnect(socket);

        // ---- events and acks ----
        socket.on("echo", event -> socket.emit("echo", event.argsArray()));
        socket.on("echo-ack", event -> event.ackWith(event.args()));
        socket.on("never-ack", event -> {
            // deliberately never acknowledged
        });
        // any event whose name starts with "mirror" comes back under the same name
        socket.onAny((name, args) -> {
            if (name.startsWith("mirror")) {
                socket.emit(name, toArray(args));
            }
        });
        socket.on("whoami", event -> {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("id", socket.id());
            info.put("nsp", nsp.name());
            info.put("transport", socket.transport());
            info.put("rooms", new TreeSet<>(socket.rooms()));
            info.put("auth", socket.handshake().auth());
            Map<String, String> query = new LinkedHashMap<>();
            socket.handshake().query().forEach((key, values) -> query.put(key, values.isEmpty() ? null
                    : values.get(0)));
            info.put("query", query);
            event.ack(info);
        });

        // the server asks the client, within arg 0's {timeout, args}, and reports as an "answer" event
        socket.on("ask-client", event -> {
            JsonNode request = event.arg(0);
            long timeout = request.path("timeout").asLong(1_000);
            Object[] args = toArray(request.path("args"));
            String tag = request.path("tag").asText("");
            socket.timeout(timeout).emitWithAck("question", args).whenComplete((answer, error) -> {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("tag", tag);
                report.put("ok", error == null);
                if (error != null) {
                    report.put("error", rootCause(error).getMessage());
                    report.put("errorType", rootCause(error).getClass().getSimpleName());
                } else {
                    report.put("args", answer);
                }
                socket.emit("answer", report);
            });
            event.ack();
        });

        // the server asks every socket of the namespace; answers reach the asking client's ack
        socket.on("server-broadcast-ack", event -> {
            JsonNode request = event.arg(0);
            long timeout = request.path("timeout").asLong(1_000);
            Object[] args = toArray(request.path("args"));
            List<Object> emitArgs = new ArrayList<>(List.of(args));
            emitArgs.add((BroadcastOperator.BroadcastAck) (error, answers) -> {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("ok", error == null);
                report.put("error", error == null ? null : error.getMessage());
                report.put("answers", answers);
                event.ack(report);
            });
            nsp.timeout(timeout).emit("question", emitArgs.toArray());
        });

        // ---- binary ----
        socket.on("emit-binary", event -> {
            socket.emit("binary", binarySample(), allBytes());
            event.ack(binarySample());
        });

        // ---- rooms and broadcasts: arg 0 is {room?, except?, event, args, barrier?} ----
        socket.on("join", event -> {
            socket.join(event.arg(0).asText());
            event.ack(new TreeSet<>(socket.rooms()));
        });
        socket.on("leave", event -> {
            socket.leave(event.arg(0).asText());
            event.ack(new TreeSet<>(socket.rooms()));
        });
        socket.on("rooms", event -> event.ack(new TreeSet<>(socket.rooms())));
        socket.on("to-room", event -> broadcast(event, nsp.to(rooms(event.arg(0).path("room")))));
        socket.on("socket-to-room", event -> broadcast(event, socket.to(rooms(event.arg(0).path("room")))));
        socket.on("except", event -> broadcast(event, nsp.except(rooms(event.arg(0).path("room")))));
        socket.on("to-except", event -> broadcast(event,
                nsp.to(rooms(event.arg(0).path("room"))).except(rooms(event.arg(0).path("except")))));
        socket.on("broadcast", event -> broadcast(event, socket.broadcast()));
        socket.on("volatile", event -> {
            JsonNode request = event.arg(0);
            int count = request.path("count").asInt(1);
            BroadcastOperator target = nsp.asVolatile();
            for (int i = 0; i < count; i++) {
                target.emit(request.path("event").asText(), i);
            }
            String barrier = request.path("barrier").asText(null);
            if (barrier != null) {
                nsp.emit(barrier);
            }
            event.ack();
        });

        // ---- disconnections ----
        socket.on("disconnect-me", event -> socket.disconnect());
        socket.on("close-me", event -> socket.disconnect(true));
    }

    private void broadcast(Event event, BroadcastOperator target) {
        JsonNode request = event.arg(0);
        target.emit(request.path("event").asText(), toArray(request.path("args")));
        String barrier = request.path("barrier").asText(null);
        if (barrier != null) {
            // every socket of the namespace gets it after the broadcast: who has not seen the broadcast by then
            // was not meant to
            event.socket().namespace().emit(barrier);
        }
        event.ack();
    }

    private static String[] rooms(JsonNode node) {
        if (node.isArray()) {
            String[] rooms = new String[node.size()];
            for (int i = 0; i < rooms.length; i++) {
                rooms[i] = node.get(i).asText();
            }
            return rooms;
        }
        return node.isMissingNode() || node.isNull() ? new String[0] : new String[] {node.asText()};
    }

    private static Object[] toArray(JsonNode args) {
        if (args == null || !args.isArray()) {
            return new Object[0];
        }
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = args.get(i);
        }
        return values;
    }

    private ObjectNode object(Map<String, ?> map) {
        return (ObjectNode) server.json().toNode(map);
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Bytes 0..255. */
    static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** The nested value e2e/test/binary.test.mjs expects from "emit-binary" (keep both in step). */
    static Map<String, Object> binarySample() {
        Map<String, Object> deep = new LinkedHashMap<>();
        deep.put("empty", new byte[0]);
        deep.put("label", "deep");
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("head", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        sample.put("list", List.of(new byte[] {1, 2, 3}, "text", deep, List.of(new byte[] {(byte) 0xff})));
        sample.put("n", 42);
        sample.put("none", JsonNodeFactory.instance.nullNode());
        return sample;
    }
}
