package io.switchboard.adapter.redis;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.core.BroadcastOperator;
import io.switchboard.core.Event;
import io.switchboard.core.Namespace;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.Socket;
import io.switchboard.engine.CorsOptions;
import io.switchboard.engine.EngineOptions;

/**
 * The Switchboard node of the mixed-cluster test in {@code e2e/cluster} (next to a Node socket.io server with
 * {@code @socket.io/redis-adapter}):
 *
 * <pre>ClusterNodeMain --key PREFIX [--port N] [--redis URL] [--sharded true]
 *     (URL defaults to $REDIS_URL, then 127.0.0.1:6379; --sharded uses the sharded protocol, dynamic mode)</pre>
 *
 * Prints {@code listening on 127.0.0.1:PORT} once subscribed. Clients drive the cluster operations through the
 * "control" events installed on "/" and "/other"; e2e/cluster/test/support/node-server.mjs installs the same ones on
 * the Node server, so that each test runs the same way from either side.
 */
public final class ClusterNodeMain {
    private static final String NODE_NAME = "java";
    private final List<Map<String, Object>> serverSideLog = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        int port = 0;
        String key = null;
        String url = System.getenv("REDIS_URL");
        boolean sharded = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--key" -> key = args[i + 1];
                case "--redis" -> url = args[i + 1];
                case "--sharded" -> sharded = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("--key PREFIX is required");
        }
        RedisAdapterOptions options = new RedisAdapterOptions().key(key).clientName(key + "-java")
                .sharded(sharded);
        if (url != null && !url.isBlank()) {
            options.url(url);
        }
        RedisAdapterFactory redis = RedisAdapterFactory.connect(options);
        EngineOptions engine = new EngineOptions().cors(CorsOptions.anyOrigin(true));
        Server server = new Server(new ServerOptions().engine(engine).adapter(redis));
        ClusterNodeMain node = new ClusterNodeMain();
        for (String name : List.of("/", "/other")) {
            Namespace nsp = server.of(name);
            node.installServerSide(nsp);
            nsp.onConnection(socket -> node.install(nsp, socket));
            ((RedisClusterAdapter) nsp.adapter()).subscribed().get(10, TimeUnit.SECONDS);
        }
        InetSocketAddress address = server.start("127.0.0.1", port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            redis.close();
        }, "cluster-node-shutdown"));
        System.out.println("ClusterNodeMain listening on 127.0.0.1:" + address.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** serverSideEmit listeners: "ping" answers, "note" is only recorded, "silent" never answers. */
    private void installServerSide(Namespace nsp) {
        nsp.onServerSideEmit("ping", (args, ack) -> {
            record(nsp, "ping", args);
            if (ack != null) {
                ack.accept(TextNode.valueOf("pong:" + NODE_NAME + ":" + args.path(0).asText()));
            }
        });
        nsp.onServerSideEmit("note", (args, ack) -> record(nsp, "note", args));
        nsp.onServerSideEmit("silent", (args, ack) -> record(nsp, "silent", args));
    }

    private void record(Namespace nsp, String event, ArrayNode args) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("nsp", nsp.name());
        entry.put("event", event);
        entry.put("args", args);
        serverSideLog.add(entry);
    }

    private void install(Namespace nsp, Socket socket) {
        socket.data().put("node", NODE_NAME);
        socket.data().put("tag", socket.handshake().auth().path("tag").asText(""));
        socket.on("set-data", event -> {
            // any JSON value, as Node's socket.data = value
            socket.setData(Wire.mapper().convertValue(event.arg(0), Object.class));
            event.ack("ok");
        });
        socket.on("join", event -> {
            socket.join(event.arg(0).asText());
            event.ack(new TreeSet<>(socket.rooms()));
        });
        socket.on("leave", event -> {
            socket.leave(event.arg(0).asText());
            event.ack(new TreeSet<>(socket.rooms()));
        });
        socket.on("broadcast", event -> {
            JsonNode request = event.arg(0);
            select(nsp, request).emit(request.path("event").asText(), args(request));
            event.ack("ok");
        });
        socket.on("socket-broadcast", event -> {
            JsonNode request = event.arg(0);
            socket.broadcast().emit(request.path("event").asText(), args(request));
            event.ack("ok");
        });
        socket.on("broadcast-with-ack", event -> broadcastWithAck(nsp, event));
        socket.on("fetch", event -> select(nsp, event.arg(0)).fetchSockets().whenComplete((found, error) -> {
            if (error != null) {
                event.ack(Map.of("error", String.valueOf(error.getMessage())));
                return;
            }
            List<Map<String, Object>> list = new ArrayList<>();
            for (RemoteSocket remote : found) {
                list.add(describe(remote));
            }
            event.ack(Map.of("sockets", list));
        }));
        socket.on("remote", event -> remote(nsp, event));
        socket.on("sockets-join", event -> {
            select(nsp, event.arg(0)).socketsJoin(event.arg(0).path("join").asText());
            event.ack("ok");
        });
        socket.on("sockets-leave", event -> {
            select(nsp, event.arg(0)).socketsLeave(event.arg(0).path("leave").asText());
            event.ack("ok");
        });
        socket.on("disconnect-sockets", event -> {
            select(nsp, event.arg(0)).disconnectSockets(event.arg(0).path("close").asBoolean(false));
            event.ack("ok");
        });
        socket.on("server-side-emit", event -> serverSideEmit(nsp, event));
        socket.on("server-side-log", event -> event.ack(List.copyOf(serverSideLog)));
        socket.on("all-rooms", event -> nsp.adapter().allRooms().whenComplete((rooms, error) ->
                event.ack(error != null ? Map.of("error", error.getMessage()) : Map.of("rooms", new TreeSet<>(rooms)))));
        socket.on("server-count", event -> nsp.adapter().serverCount().whenComplete((count, error) ->
                event.ack(error != null ? -1 : count)));
    }

    /** {@code {rooms?, except?}} of a control request as a broadcast operator. */
    private static BroadcastOperator select(Namespace nsp, JsonNode request) {
        BroadcastOperator operator = nsp.to(strings(request.path("rooms")));
        return operator.except(strings(request.path("except")));
    }

    private static String[] strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values.toArray(String[]::new);
    }

    private static Object[] args(JsonNode request) {
        List<Object> values = new ArrayList<>();
        request.path("args").forEach(values::add);
        return values.toArray();
    }

    private static Map<String, Object> describe(RemoteSocket remote) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", remote.id());
        map.put("rooms", new TreeSet<>(remote.rooms()));
        map.put("data", remote.dataValue());
        map.put("auth", remote.handshake().auth());
        Map<String, String> query = new LinkedHashMap<>();
        remote.handshake().query().forEach((name, values) -> query.put(name, values.isEmpty() ? null
                : values.get(0)));
        map.put("query", query);
        map.put("address", remote.handshake().address());
        return map;
    }

    private static void broadcastWithAck(Namespace nsp, Event event) {
        JsonNode request = event.arg(0);
        List<Object> emitArgs = new ArrayList<>(List.of(args(request)));
        emitArgs.add((BroadcastOperator.BroadcastAck) (error, answers) -> {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("error", error == null ? null : error.getMessage());
            report.put("responses", answers);
            event.ack(report);
        });
        select(nsp, request).timeout(request.path("timeout").asLong(3_000))
                .emit(request.path("event").asText(), emitArgs.toArray());
    }

    /** Operations on a fetched socket, wherever it lives: {@code {id, op: emit|join|leave|disconnect, arg}}. */
    private static void remote(Namespace nsp, Event event) {
        JsonNode request = event.arg(0);
        String id = request.path("id").asText();
        nsp.fetchSockets().whenComplete((found, error) -> {
            RemoteSocket target = error == null ? found.stream().filter(s -> s.id().equals(id)).findFirst()
                    .orElse(null) : null;
            if (target == null) {
                event.ack("not found");
                return;
            }
            JsonNode arg = request.path("arg");
            switch (request.path("op").asText()) {
                case "emit" -> target.emit(arg.path("event").asText(), args(arg));
                case "join" -> target.join(arg.asText());
                case "leave" -> target.leave(arg.asText());
                case "disconnect" -> target.disconnect(arg.asBoolean(false));
                default -> {
                    event.ack("unknown op");
                    return;
                }
            }
            event.ack("ok");
        });
    }

    private static void serverSideEmit(Namespace nsp, Event event) {
        JsonNode request = event.arg(0);
        String name = request.path("event").asText();
        if (!request.path("ack").asBoolean(false)) {
            nsp.serverSideEmit(name, args(request));
            event.ack("ok");
            return;
        }
        CompletableFuture<ArrayNode> answers = nsp.serverSideEmitWithAck(request.path("timeout").asLong(0), name,
                args(request));
        answers.whenComplete((responses, error) -> {
            Map<String, Object> report = new LinkedHashMap<>();
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            report.put("error", cause == null ? null : cause.getMessage());
            report.put("responses", cause instanceof ClusterTimeoutException timeout ? timeout.responses()
                    : responses);
            event.ack(report);
        });
    }
}
