package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;

/**
 * One {@code socket.io-client} (Java) connection whose incoming events are recorded. Events sent with an ack are
 * acknowledged with {@code {id, echo: firstArg}}, unless the client was told to stay silent.
 */
final class TestClient {
    static final long TIMEOUT_MS = 5_000;

    final Socket socket;
    final BlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
    volatile boolean silent;

    private TestClient(Socket socket) {
        this.socket = socket;
        socket.onAnyIncoming(args -> {
            Object last = args.length > 0 ? args[args.length - 1] : null;
            if (last instanceof Ack ack) {
                Object[] event = Arrays.copyOf(args, args.length - 1);
                inbox.add(event);
                if (!silent) {
                    JSONObject answer = new JSONObject(Map.of("id", socket.id(),
                            "echo", event.length > 1 ? event[1] : JSONObject.NULL));
                    ack.call(answer);
                }
            } else {
                inbox.add(args);
            }
        });
        socket.on(Socket.EVENT_DISCONNECT, args -> inbox.add(new Object[] {"disconnect", args.length > 0 ? args[0]
                : null}));
    }

    /** Connects over websocket to {@code port} and namespace and waits until connected. */
    static TestClient connect(int port, String namespace, Map<String, String> auth) {
        IO.Options options = new IO.Options();
        options.forceNew = true;
        options.reconnection = false;
        options.transports = new String[] {"websocket"};
        options.timeout = TIMEOUT_MS;
        options.auth = auth;
        options.query = "probe=cluster";
        String path = "/".equals(namespace) ? "" : namespace;
        TestClient client = new TestClient(IO.socket(URI.create("http://127.0.0.1:" + port + path), options));
        CompletableFuture<String> connected = new CompletableFuture<>();
        client.socket.once(Socket.EVENT_CONNECT, args -> connected.complete(client.socket.id()));
        client.socket.once(Socket.EVENT_CONNECT_ERROR,
                args -> connected.completeExceptionally(new AssertionError("connect_error " + args[0])));
        client.socket.connect();
        await(connected);
        return client;
    }

    String id() {
        return socket.id();
    }

    void close() {
        socket.disconnect();
    }

    /** The next recorded event, which must be {@code name}. */
    Object[] next(String name) {
        Object[] event = next();
        assertEquals(name, event[0], () -> "expected '" + name + "' but got " + Arrays.toString(event));
        return event;
    }

    Object[] next() {
        try {
            Object[] event = inbox.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (event == null) {
                fail("client " + id() + " received nothing within " + TIMEOUT_MS + " ms");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The names of the events received up to and including {@code marker}: proves what did NOT arrive before. */
    List<String> namesUntil(String marker) {
        List<String> names = new ArrayList<>();
        while (true) {
            Object[] event = next();
            names.add(String.valueOf(event[0]));
            if (marker.equals(event[0])) {
                return names;
            }
        }
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("nothing within " + TIMEOUT_MS * 2 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Throwable awaitFailure(CompletableFuture<?> future) {
        try {
            Object value = future.get(TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
            throw new AssertionError("completed with " + value + " instead of failing");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("nothing within " + TIMEOUT_MS * 2 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
