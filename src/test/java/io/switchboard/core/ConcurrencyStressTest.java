package io.switchboard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.Test;

/**
 * Application threads call join, leave, emit, disconnect, socketsJoin and broadcasts with acks on live sockets while
 * clients connect and drop; afterwards every room member is a connected socket, fetchSockets returns only connected
 * sockets, no acknowledgement waits, no closed socket is in an index, and the heap is back to its level.
 */
class ConcurrencyStressTest {
    private static final int WORKERS = 3;
    private static final int CLIENT_SLOTS = 6;
    private static final int OPERATIONS_PER_WORKER = 3_000;
    private static final String[] ROOMS = {"a", "b", "c", "d", "e"};
    /** The workers go on until this many clients connected (within a minute), so that churn meets the operations. */
    private static final int MIN_CONNECTIONS = 60;

    @Test
    void invariantsHoldAfterConcurrentUse() throws Exception {
        List<WeakReference<Socket>> everySocket = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Fixture fx = Fixture.start(new ServerOptions().maxRoomsPerSocket(4)
                .engine(new io.switchboard.engine.EngineOptions().ioThreads(4)))) {
            Namespace main = fx.server.sockets();
            InMemoryAdapter adapter = (InMemoryAdapter) main.adapter();
            fx.server.onConnection(socket -> everySocket.add(new WeakReference<>(socket)));
            // connected by hand: Fixture.connect would make the fixture remember every server socket from then on
            Fixture.Client canary = fx.client("websocket", "/", null);
            canary.socket.on("q", args -> ((io.socket.client.Ack) args[args.length - 1]).call("ok"));
            java.util.concurrent.CompletableFuture<Object> canaryUp = new java.util.concurrent.CompletableFuture<>();
            canary.socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> canaryUp.complete(null));
            canary.socket.connect();
            Fixture.await(canaryUp);
            long heapBefore = heapAfterGc();

            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int slot = 0; slot < CLIENT_SLOTS; slot++) {
                String transport = slot % 2 == 0 ? "websocket" : "polling";
                boolean answers = slot % 3 != 0;
                threads.add(thread("churn-" + slot, failure, () -> {
                    while (running.get()) {
                        Fixture.Client client = fx.client(transport, "/", null);
                        if (answers) {
                            client.socket.on("q", args -> ((io.socket.client.Ack) args[args.length - 1]).call(1));
                        }
                        java.util.concurrent.CompletableFuture<Object> up = new java.util.concurrent.CompletableFuture<>();
                        client.socket.once(io.socket.client.Socket.EVENT_CONNECT, args -> up.complete(null));
                        client.socket.connect();
                        try {
                            up.get(10, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (java.util.concurrent.TimeoutException slow) {
                            // dropped before it connected: a case of its own
                        }
                        Thread.sleep(ThreadLocalRandom.current().nextInt(50, 250));
                        client.socket.disconnect();
                    }
                }));
            }
            for (int w = 0; w < WORKERS; w++) {
                threads.add(thread("worker-" + w, failure, () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long until = System.currentTimeMillis() + 60_000;
                    for (int i = 0; i < OPERATIONS_PER_WORKER
                            || everySocket.size() < MIN_CONNECTIONS && System.currentTimeMillis() < until; i++) {
                        List<Socket> live = new ArrayList<>(main.localSockets());
                        Socket socket = live.get(random.nextInt(live.size()));
                        if (socket.id().equals(canary.id())) {
                            continue;   // the canary stays as it is: its round trips are checked at the end
                        }
                        String room = ROOMS[random.nextInt(ROOMS.length)];
                        int op = random.nextInt(8);
                        if ((Integer.getInteger("stress.ops", 0xff) & (1 << op)) == 0) {
                            continue;
                        }
                        switch (op) {
                            case 0, 1 -> {
                                try {
                                    socket.join(room);
                                } catch (TooManyRoomsException expected) {
                                    socket.leave(room);
                                }
                            }
                            case 2 -> socket.leave(room);
                            case 3 -> socket.emit("direct", i);
                            case 4 -> main.in(room).socketsJoin(ROOMS[random.nextInt(ROOMS.length)]);
                            case 5 -> main.to(room).timeout(Duration.ofMillis(500)).emit("q", i,
                                    (BroadcastOperator.BroadcastAck) (error, answers) -> { });
                            case 6 -> socket.timeout(Duration.ofMillis(500)).emit("q",
                                    (error, args) -> { }, i);
                            default -> {
                                if (random.nextInt(20) == 0) {
                                    socket.disconnect();
                                } else {
                                    main.to(room).emit("broadcast", i);
                                }
                            }
                        }
                        if (i % 100 == 0) {
                            Thread.sleep(5);   // pacing: the machine is shared
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads.subList(CLIENT_SLOTS, threads.size())) {
                thread.join(120_000);
            }
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("a stress thread failed", failure.get());
            }

            // every client but the canary is gone: only its room remains, nothing waits for an answer
            Fixture.awaitEquals(Set.of(canary.id()), () -> Set.copyOf(main.localSockets().stream()
                    .map(Socket::id).toList()));
            Fixture.awaitEquals(Map.of(), () -> withoutCanary(adapter.roomsIndex(), canary.id()));
            Socket canarySide = main.localSocket(canary.id());
            Fixture.awaitEquals(0, canarySide::pendingAckCount);
            for (RemoteSocket found : Fixture.await(fx.server.fetchSockets())) {
                Socket local = main.localSocket(found.id());
                assertTrue(local != null && local.connected(), "fetchSockets returned " + found.id());
            }
            // the Java clients share one event thread, which may still be working off the stress: a generous bound
            assertEquals(1, fx.server.timeout(Duration.ofSeconds(20)).emitWithAck("q")
                    .get(30, java.util.concurrent.TimeUnit.SECONDS).size(), "the canary's round trip");

            // closed sockets are garbage: nothing (room, timer, ack, map) holds them once their timeouts passed
            Fixture.awaitEquals(0L, () -> {
                System.gc();
                return everySocket.stream().filter(ref -> ref.get() != null && ref.get() != canarySide).count();
            });
            System.out.println("stress: " + everySocket.size() + " sockets connected, all closed ones collected");
            long heapAfter = heapAfterGc();
            assertTrue(heapAfter < heapBefore + 32L * 1024 * 1024,
                    "heap " + heapBefore / 1024 + " KiB before, " + heapAfter / 1024 + " KiB after");
        }
    }

    private static List<Socket> kept(List<WeakReference<Socket>> sockets, Socket canary) {
        List<Socket> kept = new ArrayList<>();
        for (WeakReference<Socket> ref : sockets) {
            Socket socket = ref.get();
            if (socket != null && socket != canary) {
                kept.add(socket);
            }
        }
        return kept;
    }

    /** The index without the canary's own entries (it may have joined rooms through socketsJoin: none, it is idle). */
    private static Map<String, Set<String>> withoutCanary(Map<String, Set<String>> index, String canary) {
        Map<String, Set<String>> rest = new ConcurrentHashMap<>();
        index.forEach((room, members) -> {
            if (!room.equals("socketRooms:" + canary)) {
                Set<String> others = new java.util.HashSet<>(members);
                others.remove(canary);
                if (!others.isEmpty()) {
                    rest.put(room, others);
                }
            }
        });
        return rest;
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, AtomicReference<Throwable> failure, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
