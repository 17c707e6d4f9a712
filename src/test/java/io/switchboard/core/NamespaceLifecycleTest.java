package io.switchboard.core;

import static io.switchboard.javaclient.Fixture.await;
import static io.switchboard.javaclient.Fixture.jackson;
import static io.switchboard.javaclient.Fixture.take;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a CONNECT leaves behind: a refused or abandoned one no namespace and no room; an emptied dynamic child goes
 * with {@code cleanupEmptyChildNamespaces}; {@code maxNamespaces} caps the live namespaces and removal frees room.
 * Real server, the Java socket.io-client.
 */
class NamespaceLifecycleTest {
    private Fixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A parent for "/dyn-N" whose middleware refuses names ending in "refused" and leaves "/dyn-hang*" waiting. */
    private ParentNamespace dynamic(BlockingQueue<String> reached) {
        ParentNamespace parent = fx.server.of(Pattern.compile("/dyn-\\w+"));
        parent.use((socket, next) -> {
            String name = socket.namespace().name();
            socket.join("joined-in-middleware");
            reached.add(name);
            if (name.endsWith("refused")) {
                next.accept(new ConnectError("go away"));
            } else if (!name.startsWith("/dyn-hang")) {
                next.accept(null);
            }
        });
        return parent;
    }

    @Test
    void aRefusedConnectLeavesNoNamespace() throws Exception {
        fx = Fixture.start();
        BlockingQueue<String> reached = new LinkedBlockingQueue<>();
        ParentNamespace parent = dynamic(reached);

        for (int i = 0; i < 20; i++) {
            Object error = fx.connectError(fx.client("websocket", "/dyn-" + i + "refused", null));
            assertEquals("go away", jackson(error).path("message").asText());
        }

        assertEquals(20, reached.size());
        assertEquals(Set.of("/"), fx.server.namespaces().keySet());
        assertTrue(parent.children().isEmpty());
        assertEquals(1, fx.server.namespaceCount());
    }

    @Test
    void anAbandonedConnectLeavesNoNamespace() throws Exception {
        fx = Fixture.start();
        BlockingQueue<String> reached = new LinkedBlockingQueue<>();
        ParentNamespace parent = dynamic(reached);

        Fixture.Client client = fx.client("websocket", "/dyn-hang1", null);
        client.socket.connect();
        assertEquals("/dyn-hang1", take(reached));
        // the middleware never answers; the client goes
        client.socket.disconnect();

        eventually("the abandoned child is removed", () -> fx.server.namespaces().keySet().equals(Set.of("/")));
        assertTrue(parent.children().isEmpty());
    }

    @Test
    void aConnectTimeoutAbandonsTheConnectToo() throws Exception {
        fx = Fixture.start(new ServerOptions().connectTimeout(1_000));
        BlockingQueue<String> reached = new LinkedBlockingQueue<>();
        dynamic(reached);

        Fixture.Client client = fx.client("websocket", "/dyn-hang2", null);
        client.socket.connect();
        assertEquals("/dyn-hang2", take(reached));

        // nothing joined within connectTimeout: the server closes the connection, and the namespace goes with it
        eventually("the timed-out child is removed", () -> fx.server.namespaces().keySet().equals(Set.of("/")));
    }

    @Test
    void roomsJoinedInAMiddlewareOutliveNoRefusedOrAbandonedConnect() throws Exception {
        fx = Fixture.start();
        AtomicInteger attempt = new AtomicInteger();
        BlockingQueue<String> reached = new LinkedBlockingQueue<>();
        fx.server.use((socket, next) -> {
            int n = attempt.incrementAndGet();
            socket.join("vip");
            assertEquals(Set.of("vip"), socket.rooms());   // visible to the middleware itself
            reached.add("attempt " + n);
            if (n == 1) {
                next.accept(new ConnectError("refused"));
            } else if (n == 3) {
                next.accept(null);
            }
            // attempt 2 never answers
        });

        fx.connectError(fx.client("websocket", "/", null));
        Fixture.Client abandoned = fx.client("websocket", "/", null);
        abandoned.socket.connect();
        take(reached);
        take(reached);
        abandoned.socket.disconnect();

        eventually("the abandoned session closed", () -> fx.server.engine().sessionCount() == 0);
        assertFalse(fx.server.sockets().adapter().rooms().contains("vip"), () -> fx.server.sockets().adapter().rooms()
                .toString());
        assertTrue(await(fx.server.in("vip").fetchSockets()).isEmpty());

        // an accepted socket is in the room it joined in the middleware, once connected
        Fixture.Client accepted = fx.connect("websocket", "/");
        assertEquals(Set.of(accepted.id(), "vip"), accepted.server().rooms());
        fx.server.to("vip").emit("vip-news", "hello");
        assertEquals("hello", accepted.next("vip-news")[1]);
        assertEquals(List.of(accepted.id()),
                await(fx.server.in("vip").fetchSockets()).stream().map(RemoteSocket::id).toList());
    }

    @Test
    void anEmptiedChildIsRemovedWithCleanupEmptyChildNamespaces() throws Exception {
        fx = Fixture.start(new ServerOptions().cleanupEmptyChildNamespaces(true));
        ParentNamespace parent = dynamic(new LinkedBlockingQueue<>());
        Map<String, Namespace> seen = new ConcurrentHashMap<>();
        parent.onConnection(socket -> seen.put(socket.id(), socket.namespace()));

        Fixture.Client one = fx.connect("websocket", "/dyn-a");
        Fixture.Client two = fx.connect("polling", "/dyn-a");
        eventually("both sockets are in", () -> seen.size() == 2);
        Namespace first = parent.children().get("/dyn-a");
        one.socket.disconnect();
        eventually("one socket left", () -> first.localSockets().size() == 1);
        assertSame(first, fx.server.namespaces().get("/dyn-a"), "a child with a socket stays");

        two.socket.disconnect();
        eventually("the empty child is removed", () -> !fx.server.namespaces().containsKey("/dyn-a"));
        assertTrue(parent.children().isEmpty());
        assertTrue(first.removed());

        // the name works again, with a new namespace
        Fixture.Client again = fx.connect("websocket", "/dyn-a");
        eventually("the new socket is in", () -> seen.containsKey(again.id()));
        assertNotSame(first, seen.get(again.id()));
        assertSame(seen.get(again.id()), fx.server.namespaces().get("/dyn-a"));
    }

    @Test
    void withRecoveryOnAnEmptiedChildStaysForTheRecoveryWindow() throws Exception {
        long window = 4_000;
        fx = Fixture.start(new ServerOptions().cleanupEmptyChildNamespaces(true)
                .connectionStateRecovery(new RecoveryOptions(window, true)));
        ParentNamespace parent = dynamic(new LinkedBlockingQueue<>());
        BlockingQueue<String> left = new LinkedBlockingQueue<>();
        parent.onConnection(socket -> socket.onDisconnect(left::add));

        Fixture.Client client = fx.connect("websocket", "/dyn-r");
        eventually("the socket is in", () -> fx.server.namespaces().containsKey("/dyn-r")
                && fx.server.namespaces().get("/dyn-r").localSockets().size() == 1);
        Fixture.dropConnection(client.socket);
        take(left);
        long emptiedAt = System.nanoTime();

        // its session waits in the child's recovery store: the child stays while the client may come back
        assertTrue(fx.server.namespaces().containsKey("/dyn-r"));
        eventually("the child goes after the window", () -> !fx.server.namespaces().containsKey("/dyn-r"));
        assertTrue(System.nanoTime() - emptiedAt >= (window - 500) * 1_000_000L, "removed before the window");
    }

    @Test
    void withoutTheOptionAnEmptiedChildStaysAsInTheReference() throws Exception {
        fx = Fixture.start();
        ParentNamespace parent = dynamic(new LinkedBlockingQueue<>());
        BlockingQueue<String> connected = new LinkedBlockingQueue<>();
        BlockingQueue<String> left = new LinkedBlockingQueue<>();
        parent.onConnection(socket -> {
            socket.onDisconnect(left::add);
            connected.add(socket.id());
        });

        Fixture.Client client = fx.connect("websocket", "/dyn-b");
        take(connected);
        client.socket.disconnect();
        take(left);

        assertTrue(fx.server.namespaces().containsKey("/dyn-b"));
        assertEquals(Set.of("/dyn-b"), parent.children().keySet());
    }

    @Test
    void maxNamespacesRefusesANewChildAndRemovalFreesRoom() throws Exception {
        List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
        ServerObserver observer = new ServerObserver() {
            @Override
            public void connectRefused(String namespace, String reason) {
                refusals.add(namespace + " " + reason);
            }
        };
        fx = Fixture.start(new ServerOptions().maxNamespaces(3).cleanupEmptyChildNamespaces(true).observer(observer));
        dynamic(new LinkedBlockingQueue<>());

        fx.connect("websocket", "/dyn-1");
        Fixture.Client second = fx.connect("websocket", "/dyn-2");
        assertEquals(3, fx.server.namespaceCount());

        Object error = fx.connectError(fx.client("websocket", "/dyn-3", null));
        assertEquals("Namespace limit reached", jackson(error).path("message").asText());
        assertEquals(List.of("/dyn-3 namespace_limit"), refusals);
        assertFalse(fx.server.namespaces().containsKey("/dyn-3"));
        // a namespace that exists takes more sockets whatever the cap
        fx.connect("polling", "/dyn-1");
        // the application's own namespaces count but are never refused
        fx.server.of("/static");
        assertEquals(4, fx.server.namespaceCount());

        second.socket.disconnect();
        eventually("/dyn-2 is removed", () -> !fx.server.namespaces().containsKey("/dyn-2"));
        assertEquals(3, fx.server.namespaceCount());
        fx.connectError(fx.client("websocket", "/dyn-3", null));   // still at the cap: "/", /dyn-1, /static

        fx.server.namespaces().get("/dyn-1").disconnectSockets(false);
        eventually("/dyn-1 is removed", () -> fx.server.namespaceCount() == 2);
        fx.connect("websocket", "/dyn-3");
        assertEquals(Set.of("/", "/static", "/dyn-3"), fx.server.namespaces().keySet());
    }
}
