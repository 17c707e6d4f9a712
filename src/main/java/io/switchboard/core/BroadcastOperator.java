package io.switchboard.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.protocol.Packet;

/**
 * A selection of sockets (rooms, exceptions, flags) and what can be done to them, across the cluster.
 * Immutable: every modifier returns a new operator.
 */
public final class BroadcastOperator {
    private final Namespace namespace;
    private final Set<String> rooms;
    private final Set<String> except;
    private final BroadcastFlags flags;

    BroadcastOperator(Namespace namespace, Set<String> rooms, Set<String> except, BroadcastFlags flags) {
        this.namespace = namespace;
        this.rooms = rooms;
        this.except = except;
        this.flags = flags;
    }

    public BroadcastOperator to(String... more) {
        return new BroadcastOperator(namespace, union(rooms, more), except, flags);
    }

    public BroadcastOperator in(String... more) {
        return to(more);
    }

    public BroadcastOperator except(String... more) {
        return new BroadcastOperator(namespace, rooms, union(except, more), flags);
    }

    /** Drops the packet for clients not ready to take it, instead of queueing. */
    public BroadcastOperator asVolatile() {
        return new BroadcastOperator(namespace, rooms, except, flags.withVolatile());
    }

    /** Only the sockets of this node. */
    public BroadcastOperator local() {
        return new BroadcastOperator(namespace, rooms, except, flags.withLocal());
    }

    public BroadcastOperator compress(boolean compress) {
        return new BroadcastOperator(namespace, rooms, except, flags.withCompress(compress));
    }

    /** Acknowledgements are awaited for at most this long. */
    public BroadcastOperator timeout(long millis) {
        return new BroadcastOperator(namespace, rooms, except, flags.withTimeout(millis));
    }

    public BroadcastOperator timeout(java.time.Duration timeout) {
        return timeout(timeout.toMillis());
    }

    BroadcastOptions options() {
        return new BroadcastOptions(rooms, except, flags);
    }

    private static Set<String> union(Set<String> base, String[] more) {
        Set<String> result = new HashSet<>(base);
        result.addAll(Arrays.asList(more));
        return Set.copyOf(result);
    }

    /**
     * Emits to every selected socket. When the last argument is a {@code BiConsumer<Throwable, List<JsonNode>>}
     * ({@link BroadcastAck}), every client is asked to acknowledge and the callback gets each client's answer (the
     * first argument it acked with), or an
     * {@link AckTimeoutException} with those that came in time.
     */
    public void emit(String event, Object... args) {
        Socket.checkEventName(event);
        if (args.length > 0 && args[args.length - 1] instanceof BroadcastAck callback) {
            emitWithAck(event, Arrays.copyOf(args, args.length - 1), callback);
            return;
        }
        ArrayNode data = namespace.server().json().event(event, args);
        // with recovery on, the adapter logs it once for all recipients as it hands it to the loops
        namespace.adapter().broadcast(Packet.event(namespace.name(), data, null), options());
    }

    /** Emits asking every client to acknowledge; completes with all answers (fails on timeout). */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        CompletableFuture<List<JsonNode>> result = new CompletableFuture<>();
        emitWithAck(event, args, (error, answers) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(answers);
            }
        });
        return result;
    }

    /** The answers to a broadcast with acknowledgements. */
    @FunctionalInterface
    public interface BroadcastAck extends BiConsumer<Throwable, List<JsonNode>> {
    }

    private void emitWithAck(String event, Object[] args, BiConsumer<Throwable, List<JsonNode>> callback) {
        Socket.checkEventName(event);
        ArrayNode data = namespace.server().json().event(event, args);
        long ackId = namespace.nextAckId();
        Packet packet = Packet.event(namespace.name(), data, ackId);
        ServerObserver observer = namespace.server().options().observer();
        AckCollector collector = new AckCollector((error, answers) -> UserCode.run(observer, HandlerKind.ACK, null,
                event, () -> callback.accept(error, answers)));
        if (flags.timeout() > 0) {
            namespace.server().timers().schedule(collector::timeout, flags.timeout(), TimeUnit.MILLISECONDS);
        }
        CompletableFuture<Integer> servers = flags.local() ? CompletableFuture.completedFuture(1)
                : namespace.adapter().serverCount();
        servers.whenComplete((count, error) -> collector.expectServers(error != null ? 1 : count));
        namespace.adapter().broadcastWithAck(packet, options(), collector::clientCount, collector::answer);
    }

    /** Counts nodes and clients as their numbers arrive, and finishes once every expected answer is in. */
    private static final class AckCollector {
        private final BiConsumer<Throwable, List<JsonNode>> callback;
        private final List<JsonNode> answers = new ArrayList<>();
        private int expectedServers = -1;
        private int reportedServers;
        private int expectedClients;
        private boolean done;

        AckCollector(BiConsumer<Throwable, List<JsonNode>> callback) {
            this.callback = callback;
        }

        synchronized void expectServers(int count) {
            expectedServers = count;
            check();
        }

        synchronized void clientCount(int count) {
            reportedServers++;
            expectedClients += count;
            check();
        }

        synchronized void answer(JsonNode args) {
            answers.add(args);
            check();
        }

        void timeout() {
            List<JsonNode> copy;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                copy = List.copyOf(answers);
            }
            callback.accept(new AckTimeoutException("operation has timed out"), copy);
        }

        private void check() {
            if (done || expectedServers < 0 || reportedServers < expectedServers
                    || answers.size() < expectedClients) {
                return;
            }
            done = true;
            callback.accept(null, List.copyOf(answers));
        }
    }

    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        BroadcastOptions opts = options();
        return namespace.adapter().fetchSockets(opts).thenApply(found -> {
            List<RemoteSocket> sockets = new ArrayList<>(found.size());
            for (SocketInfo info : found) {
                sockets.add(new RemoteSocket(namespace, info));
            }
            return sockets;
        });
    }

    public void socketsJoin(String... newRooms) {
        namespace.adapter().addSockets(options(), Set.of(newRooms));
    }

    public void socketsLeave(String... oldRooms) {
        namespace.adapter().delSockets(options(), Set.of(oldRooms));
    }

    public void disconnectSockets(boolean close) {
        namespace.adapter().disconnectSockets(options(), close);
    }

    static ArrayNode emptyArray() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
