package com.example.eio3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * One io.socket:socket.io-client 1.x socket on a connection of its own, and the events it was told to record, in the
 * order they came ({@code [name, ...args]}). Every wait is bounded by {@link #TIMEOUT_S}.
 */
final class V1Client implements AutoCloseable {
    static final long TIMEOUT_S = 15;

    /**
     * The HTTP client of every socket: the client's own default shares OkHttp's dispatcher, which runs at most 5
     * requests per host at once; a few polling sockets, each with a long poll pending, would starve the next one.
     */
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .dispatcher(unlimitedDispatcher())
            .readTimeout(1, TimeUnit.MINUTES)
            .build();

    final Socket socket;
    private final ClientMode mode;
    private final BlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> upgraded = new CompletableFuture<>();

    private V1Client(Socket socket, ClientMode mode) {
        this.socket = socket;
        this.mode = mode;
        // the engine reports the upgrade; the 1.x Manager keeps its engine in a package-private field, set on open
        socket.io().on(Manager.EVENT_OPEN, args -> engine(socket.io())
                .once(io.socket.engineio.client.Socket.EVENT_UPGRADE, upgrade -> upgraded.complete(null)));
    }

    private static io.socket.engineio.client.Socket engine(Manager manager) {
        try {
            Field engine = Manager.class.getDeclaredField("engine");
            engine.setAccessible(true);
            return (io.socket.engineio.client.Socket) engine.get(manager);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A socket for {@code uri} (a namespace's path and query included), not connected yet. */
    static V1Client create(URI uri, ClientMode mode, boolean reconnection) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.transports = mode.transports;
        options.upgrade = mode.upgrade;
        options.reconnection = reconnection;
        options.reconnectionDelay = 200;
        options.reconnectionDelayMax = 1_000;
        options.timeout = TimeUnit.SECONDS.toMillis(TIMEOUT_S);
        options.callFactory = HTTP;
        options.webSocketFactory = HTTP;
        return new V1Client(IO.socket(uri, options), mode);
    }

    /** Records these events from now on. */
    V1Client record(String... events) {
        for (String event : events) {
            socket.on(event, args -> {
                Object[] entry = new Object[args.length + 1];
                entry[0] = event;
                System.arraycopy(args, 0, entry, 1, args.length);
                inbox.add(entry);
            });
        }
        return this;
    }

    /** Connects and returns the socket's id; in mode UPGRADE, returns once the connection is on websocket too. */
    String connect() {
        CompletableFuture<String> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(socket.id()));
        socket.once(Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error: " + args[0])));
        socket.once(Socket.EVENT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("error: " + args[0])));
        socket.connect();
        String id = await(connected);
        if (mode.upgrade) {
            await(upgraded);
        }
        return id;
    }

    /** Connects expecting the namespace to refuse: returns what the client's "error" event carried. */
    Object refused() {
        CompletableFuture<Object> error = new CompletableFuture<>();
        socket.once(Socket.EVENT_ERROR, args -> error.complete(args[0]));
        socket.once(Socket.EVENT_CONNECT, args -> error.completeExceptionally(new AssertionError("connected")));
        socket.connect();
        return await(error);
    }

    /** Connects expecting the connection itself to fail: returns the connect_error's argument. */
    Object connectError() {
        CompletableFuture<Object> error = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
        socket.once(Socket.EVENT_CONNECT, args -> error.completeExceptionally(new AssertionError("connected")));
        socket.connect();
        return await(error);
    }

    /** Emits asking for an acknowledgement and returns its arguments. */
    Object[] emitWithAck(String event, Object... args) {
        CompletableFuture<Object[]> answer = new CompletableFuture<>();
        socket.emit(event, args, (Ack) answer::complete);
        return await(answer);
    }

    /** The next recorded event, which must be {@code name}. */
    Object[] next(String name) {
        Object[] entry;
        try {
            entry = inbox.poll(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (entry == null) {
            fail("no '" + name + "' within " + TIMEOUT_S + " s");
        }
        assertEquals(name, entry[0], () -> "expected '" + name + "' but got " + Arrays.deepToString(entry));
        return entry;
    }

    @Override
    public void close() {
        socket.close();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError error) {
                throw error;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("nothing within " + TIMEOUT_S + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Dispatcher unlimitedDispatcher() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1_000);
        dispatcher.setMaxRequestsPerHost(1_000);
        return dispatcher;
    }
}
