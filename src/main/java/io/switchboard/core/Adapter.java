package io.switchboard.core;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.protocol.Packet;

/**
 * The rooms index of one namespace and every operation that may cross nodes. The in-memory adapter serves one node;
 * a cluster adapter does the same locally and carries each operation to the other nodes. Callers never know which.
 */
public interface Adapter {
    /**
     * Called once, before first use: when the namespace is created for an application's namespace, when its first
     * socket is accepted for a dynamic child.
     */
    default void init() {
    }

    /**
     * Called when the server closes, or when a dynamic child namespace is removed; a cluster adapter leaves the
     * cluster here. May run on an event loop: must not block (unsubscribe without waiting for the answer).
     */
    default void close() {
    }

    // ---- the local rooms index ----

    /**
     * Adds a local socket to rooms. The socket calls this (and {@link #del}, {@link #delAll}) on its own event loop,
     * never elsewhere: an index written only by each socket's loop needs no lock to stay in order with that socket's
     * close, and an operation that selects that loop's sockets on that loop sees every change queued there before.
     */
    void addAll(String socketId, Set<String> rooms);

    void del(String socketId, String room);

    void delAll(String socketId);

    /** The rooms of a local socket (empty when unknown); from another thread than its loop, as of a recent moment. */
    Set<String> socketRooms(String socketId);

    /** How many rooms {@link #socketRooms} would list, without making the set (a join checks the limit with it). */
    default int socketRoomCount(String socketId) {
        return socketRooms(socketId).size();
    }

    /** Ids of the local sockets in any of the rooms (all local sockets when empty). */
    Set<String> sockets(Set<String> rooms);

    /** The rooms known on this node. */
    Set<String> rooms();

    // ---- cluster operations ----

    /**
     * Broadcasts an event. When the namespace logs for recovery ({@link Namespace#recovery()}) and the packet is not
     * volatile, the adapter gives it its offset with the store, in the same step as it hands it to this node's
     * loops, so that each loop sends the namespace's packets in offset order ({@link InMemoryAdapter} does).
     */
    void broadcast(Packet packet, BroadcastOptions opts);

    /**
     * Broadcasts a packet that asks for acknowledgements: {@code clientCount} is told, once per node, how many
     * clients got it there; {@code ack} receives each client's answer (the first argument it acked with).
     */
    void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount, Consumer<JsonNode> ack);

    CompletableFuture<List<SocketInfo>> fetchSockets(BroadcastOptions opts);

    void addSockets(BroadcastOptions opts, Set<String> rooms);

    void delSockets(BroadcastOptions opts, Set<String> rooms);

    void disconnectSockets(BroadcastOptions opts, boolean close);

    /** Emits {@code [event, ...args]} to the other nodes' namespace listeners. */
    void serverSideEmit(ArrayNode eventAndArgs);

    /** The same, collecting one answer per other node until all have answered or the timeout passes. */
    CompletableFuture<ArrayNode> serverSideEmitWithAck(ArrayNode eventAndArgs, long timeoutMillis);

    /** How many nodes serve this namespace, this one included. */
    CompletableFuture<Integer> serverCount();

    /** The rooms across the cluster. */
    CompletableFuture<Set<String>> allRooms();
}
