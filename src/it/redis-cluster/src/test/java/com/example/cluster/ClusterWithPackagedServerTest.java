package com.example.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The README's cluster node, built with the dependencies the README lists for the Redis adapter, and a packaged
 * server (java -jar target/switchboard.jar) on the same Redis under a key prefix of this run: each sees the other's
 * sockets, and emits cross in both directions. The packaged node logs as it configures itself (logging.format json).
 */
class ClusterWithPackagedServerTest {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");
    private final List<String> packagedLog = new CopyOnWriteArrayList<>();

    @Test
    void anEmbeddedNodeAndAPackagedNodeFormOneCluster() throws Exception {
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "switchboard-consumer-" + UUID.randomUUID();
        Path jar = Path.of(System.getProperty("switchboard.jar"));
        Process packaged = start(jar, redisUrl, prefix);
        Server library = ClusterNode.create(redisUrl, prefix);
        Socket onPackaged = null;
        Socket onLibrary = null;
        try {
            int packagedPort = awaitListening(packaged);
            assertLogsAsTheServerConfiguresIt();
            int libraryPort = library.start("127.0.0.1", 0).getPort();
            onPackaged = connect("http://127.0.0.1:" + packagedPort, Map.of("token", token(jar)));
            CompletableFuture<Object> joined = new CompletableFuture<>();
            onPackaged.emit("join-room", new Object[] {"chat:lobby"}, args -> joined.complete(args[0]));
            assertEquals(true, ((JSONObject) joined.get(10, TimeUnit.SECONDS)).opt("ok"));
            onLibrary = connect("http://127.0.0.1:" + libraryPort, Map.of());
            awaitSockets(library, 2);

            CompletableFuture<Object> news = new CompletableFuture<>();
            onPackaged.on("news", args -> news.complete(args[0]));
            library.emit("news", "from the library node");
            assertEquals("from the library node", news.get(10, TimeUnit.SECONDS));

            CompletableFuture<Object> message = new CompletableFuture<>();
            onLibrary.on("room-message", args -> message.complete(((JSONObject) args[0]).opt("message")));
            onPackaged.emit("room-message", new JSONObject(Map.of("roomId", "chat:lobby",
                    "message", "from the packaged node")));
            assertEquals("from the packaged node", message.get(10, TimeUnit.SECONDS));
        } finally {
            close(onPackaged);
            close(onLibrary);
            library.close();
            packaged.destroy();
            packaged.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * The packaged server configures its own logging: with logging.format json every line it logs, from Main's first
     * one on, is one JSON object (so the format was applied before anything logged), with the formatted message.
     */
    private void assertLogsAsTheServerConfiguresIt() throws Exception {
        String starting = packagedLog.stream().filter(line -> line.contains("starting")).findFirst()
                .orElseThrow(() -> new AssertionError("no start line in " + packagedLog));
        assertTrue(starting.startsWith("{"), "Main's first line is not JSON: " + starting);
        JSONObject first = new JSONObject(starting);
        assertEquals("io.switchboard.server.Main", first.opt("loggerName"));
        assertTrue(String.valueOf(first.opt("formattedMessage")).matches("Switchboard .* starting.*"), starting);
        for (String line : packagedLog) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), "not one JSON object: " + line);
            new JSONObject(line);
        }
    }

    private static Process start(Path jar, String redisUrl, String prefix) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(java(), "-jar", jar.toString(), "--host", "127.0.0.1",
                "--port", "0").redirectErrorStream(true);
        builder.environment().put("SWITCHBOARD_ADAPTER_TYPE", "redis");
        builder.environment().put("REDIS_URL", redisUrl);
        builder.environment().put("REDIS_KEY_PREFIX", prefix);
        builder.environment().put("SWITCHBOARD_LOGGING_FORMAT", "json");
        return builder.start();
    }

    /** Waits for the packaged server's `listening on HOST:PORT`, echoing its log to the build's. */
    private int awaitListening(Process process) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    System.out.println("[packaged] " + line);
                    packagedLog.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new AssertionError("the packaged server stopped before listening"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        }, "packaged-server-log");
        reader.setDaemon(true);
        reader.start();
        return port.get(60, TimeUnit.SECONDS);
    }

    /** A development token from the packaged server's own `token` command. */
    private static String token(Path jar) throws Exception {
        Process process = new ProcessBuilder(java(), "-jar", jar.toString(), "token", "--sub", "alice", "--org", "acme")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.waitFor(), "token command failed");
        List<String> lines = out.lines().filter(line -> !line.startsWith("#")).toList();
        return lines.get(lines.size() - 1).trim();
    }

    /** fetchSockets on the library node sees both nodes' sockets once both are subscribed. */
    private static void awaitSockets(Server server, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int seen = -1;
        while (System.nanoTime() < deadline) {
            try {
                List<RemoteSocket> sockets = server.fetchSockets().get(10, TimeUnit.SECONDS);
                seen = sockets.size();
                if (seen >= expected) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                seen = -1; // a node not yet subscribed lets the request time out; ask again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fetchSockets saw " + seen + " sockets, expected " + expected);
    }

    private static Socket connect(String url, Map<String, String> auth) throws Exception {
        IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"}).setAuth(auth).build();
        Socket socket = IO.socket(url, options);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
                new AssertionError("connect_error from " + url + ": " + args[0])));
        socket.connect();
        connected.get(10, TimeUnit.SECONDS);
        return socket;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void close(Socket socket) {
        if (socket != null) {
            socket.close();
        }
    }
}
