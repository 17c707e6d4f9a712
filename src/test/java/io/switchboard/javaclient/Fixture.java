package io.switchboard.javaclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.Socket;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * An in-process {@link Server} on a free port and the {@code socket.io-client} (Java) clients of one test; closing it
 * closes them all. Also the waiting helpers (every wait is bounded) and org.json to Jackson conversion.
 */
public final class Fixture implements AutoCloseable {
    public static final long TIMEOUT_MS = 5_000;
    public static final List<String> TRANSPORTS = List.of("websocket", "polling");

    /**
     * The HTTP client of every test client. socket.io-client's own shares OkHttp's default dispatcher, which runs at
     * most 5 requests per host at once (all ports of 127.0.0.1 together): a few polling clients, each with a long
     * poll pending, starve the next handshake.
     */
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .dispatcher(unlimitedDispatcher())
            .readTimeout(1, TimeUnit.MINUTES)
            .build();

    private static Dispatcher unlimitedDispatcher() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1_000);
        dispatcher.setMaxRequestsPerHost(1_000);
        return dispatcher;
    }

    public final Server server;
    public final int port;
    private final List<io.socket.client.Socket> clients = new CopyOnWriteArrayList<>();
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Socket>> serverSockets = new ConcurrentHashMap<>();
    private volatile boolean serverClosedByTest;

    private Fixture(ServerOptions options) throws InterruptedException {
        server = new Server(options);
        port = server.start("127.0.0.1", 0).getPort();
    }

    public static Fixture start() throws InterruptedException {
        return start(new ServerOptions());
    }

    public static Fixture start(ServerOptions options) throws InterruptedException {
        return new Fixture(options);
    }

    /** Closes the server as a test step. */
    public void closeServer() {
        serverClosedByTest = true;
        server.close();
    }

    public URI uri(String namespace) {
        return URI.create("http://127.0.0.1:" + port + ("/".equals(namespace) ? "" : namespace));
    }

    /** Client options: one transport only, a connection of its own, no reconnection. */
    public static IO.Options options(String transport) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.transports = new String[] {transport};
        options.timeout = TIMEOUT_MS;
        options.callFactory = HTTP;
        options.webSocketFactory = HTTP;
        return options;
    }

    /** A client socket, not yet connected, whose events (and disconnect) are recorded in its inbox. */
    public Client client(String transport, String namespace, Map<String, String> auth) {
        IO.Options options = options(transport);
        options.auth = auth;
        return record(IO.socket(uri(namespace), options), namespace);
    }

    /** A client socket on a shared manager (multiplexing), not yet connected. */
    public Client client(Manager manager, String namespace) {
        return record(manager.socket(namespace), namespace);
    }

    public Manager manager(String transport) {
        return new Manager(uri("/"), options(transport));
    }

    private Client record(io.socket.client.Socket socket, String namespace) {
        clients.add(socket);
        Client client = new Client(socket, namespace);
        socket.onAnyIncoming(client.inbox::add);
        socket.on(io.socket.client.Socket.EVENT_DISCONNECT,
                args -> client.inbox.add(new Object[] {"disconnect", args.length > 0 ? args[0] : null}));
        return client;
    }

    public Client connect(String transport) {
        return connect(transport, "/", null);
    }

    public Client connect(String transport, String namespace) {
        return connect(transport, namespace, null);
    }

    /**
     * Connects and waits until the client saw "connect" and, for a namespace that exists already, the server ran its
     * connection handlers (register them before the first connect; they run before the one recording the socket).
     */
    public Client connect(String transport, String namespace, Map<String, String> auth) {
        Client client = client(transport, namespace, auth);
        connect(client);
        return client;
    }

    public Client connect(Client client) {
        String namespace = client.namespace();
        boolean known = server.namespaces().containsKey(namespace);
        if (known && tracked.add(namespace)) {
            server.of(namespace).onConnection(s -> serverSocket(namespace, s.id()).complete(s));
        }
        CompletableFuture<String> connected = new CompletableFuture<>();
        client.socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> connected.complete(client.socket.id()));
        client.socket.once(io.socket.client.Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error " + args[0])));
        client.socket.connect();
        String id = await(connected);
        assertNotNull(id);
        if (known) {
            client.server = await(serverSocket(namespace, id));
            assertEquals(namespace, client.server.namespace().name());
        }
        return client;
    }

    /** Connects and returns the argument of the connect_error the client got instead. */
    public Object connectError(Client client) {
        CompletableFuture<Object> error = new CompletableFuture<>();
        client.socket.once(io.socket.client.Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
        client.socket.once(io.socket.client.Socket.EVENT_CONNECT,
                args -> error.completeExceptionally(new AssertionError("connected unexpectedly")));
        client.socket.connect();
        return await(error);
    }

    private CompletableFuture<Socket> serverSocket(String namespace, String id) {
        return serverSockets.computeIfAbsent(namespace + "#" + id, k -> new CompletableFuture<>());
    }

    /**
     * Disconnects the clients and closes the server, unless the test did already: closing a server twice is checked
     * on its own (ServerLifecycleTest), not here.
     */
    @Override
    public void close() {
        for (io.socket.client.Socket socket : clients) {
            socket.disconnect();
        }
        if (!serverClosedByTest) {
            server.close();
        }
    }

    /**
     * Drops the client's Engine.IO connection without a Socket.IO DISCONNECT, as a lost network would (the engine
     * client is not public in socket.io-client 2.x).
     */
    public static void dropConnection(io.socket.client.Socket socket) {
        try {
            Field engine = Manager.class.getDeclaredField("engine");
            engine.setAccessible(true);
            ((io.socket.engineio.client.Socket) engine.get(socket.io())).close();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    // ---- one client ----

    /** A client socket, its recorded incoming events ({@code [name, ...args]}) and, once connected, its server side. */
    public static final class Client {
        public final io.socket.client.Socket socket;
        public final BlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
        private final String namespace;
        private volatile Socket server;

        Client(io.socket.client.Socket socket, String namespace) {
            this.socket = socket;
            this.namespace = namespace;
        }

        /** The server's socket for this client (null on a namespace created dynamically). */
        public Socket server() {
            return server;
        }

        String namespace() {
            return namespace;
        }

        public String id() {
            return socket.id();
        }

        /** The next recorded event, whatever it is. */
        public Object[] next() {
            return take(inbox);
        }

        /** The next recorded event, which must be {@code name}. */
        public Object[] next(String name) {
            Object[] event = next();
            assertEquals(name, event[0], () -> "expected '" + name + "' but got " + describe(event));
            return event;
        }

        /** The names of the events recorded up to and including the first {@code marker}. */
        public List<String> namesUntil(String marker) {
            List<String> names = new ArrayList<>();
            while (true) {
                Object[] event = next();
                names.add((String) event[0]);
                if (marker.equals(event[0])) {
                    return names;
                }
            }
        }

        /** Emits and waits for the acknowledgement's arguments. */
        public Object[] emitWithAck(String event, Object... args) {
            CompletableFuture<Object[]> answer = new CompletableFuture<>();
            socket.emit(event, args, answer::complete);
            return await(answer);
        }
    }

    public static String describe(Object[] event) {
        List<String> parts = new ArrayList<>();
        for (Object value : event) {
            parts.add(String.valueOf(value));
        }
        return parts.toString();
    }

    // ---- waiting ----

    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("nothing within " + TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits until {@code actual} gives {@code expected} (polled every 20 ms, for at most {@link #TIMEOUT_MS}), for
     * what a socket does on its own loop after a call from another thread (join, leave).
     */
    public static <T> void awaitEquals(T expected, java.util.function.Supplier<T> actual) {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        T last = actual.get();
        while (!expected.equals(last) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = actual.get();
        }
        assertEquals(expected, last);
    }

    /**
     * The rooms of the client's socket in call order with what this thread did to it before (a join or leave from
     * here runs on the socket's loop; fetchSockets collects there after it), unlike {@code socket.rooms()} read here.
     */
    public Set<String> roomsOf(Client client) {
        List<RemoteSocket> found = await(server.of(client.namespace()).in(client.id()).fetchSockets());
        return found.isEmpty() ? Set.of() : found.get(0).rooms();
    }

    /** The failure of a future that must fail. */
    public static Throwable awaitFailure(CompletableFuture<?> future) {
        try {
            Object value = future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("completed with " + value + " instead of failing");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("nothing within " + TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static <T> T take(BlockingQueue<T> queue) {
        try {
            T value = queue.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (value == null) {
                fail("nothing within " + TIMEOUT_MS + " ms");
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- JSON ----

    /** An org.json value (as the Java client sends and receives them) as a Jackson tree, to compare with equals. */
    public static JsonNode jackson(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null || value == JSONObject.NULL) {
            return nodes.nullNode();
        } else if (value instanceof JSONObject object) {
            ObjectNode node = nodes.objectNode();
            for (Iterator<?> keys = object.keys(); keys.hasNext(); ) {
                String key = (String) keys.next();
                node.set(key, jackson(object.opt(key)));
            }
            return node;
        } else if (value instanceof JSONArray array) {
            ArrayNode node = nodes.arrayNode();
            for (int i = 0; i < array.length(); i++) {
                node.add(jackson(array.opt(i)));
            }
            return node;
        } else if (value instanceof byte[] bytes) {
            return nodes.binaryNode(bytes);
        } else if (value instanceof String text) {
            return nodes.textNode(text);
        } else if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        } else if (value instanceof Integer number) {
            return nodes.numberNode(number);
        } else if (value instanceof Long number) {
            return nodes.numberNode(number);
        } else if (value instanceof Double number) {
            return nodes.numberNode(number);
        }
        throw new IllegalArgumentException("not an org.json value: " + value.getClass());
    }
}
