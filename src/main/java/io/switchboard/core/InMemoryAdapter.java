package io.switchboard.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.protocol.Packet;

/**
 * The rooms index of one namespace on one node, and every cluster operation carried out on this node alone.
 * Cluster adapters extend it and add the other nodes. Safe to use from any event loop: membership changes are
 * atomic per room.
 */
public class InMemoryAdapter implements Adapter {
    protected final Namespace namespace;
    /**
     * Named rooms: member id to the member socket, so that a broadcast walks straight to its recipients without a
     * lookup per member (an id joined while no such socket is here maps to {@link #UNRESOLVED}). A socket's own room
     * (its id) is not kept here: the socket carries that membership itself.
     */
    private final Map<String, Map<String, Object>> rooms = new ConcurrentHashMap<>();
    private static final Object UNRESOLVED = new Object();
    /** The named rooms of each socket that joined any; a socket only in its own room has no entry. */
    private final Map<String, Set<String>> socketRooms = new ConcurrentHashMap<>();

    public InMemoryAdapter(Namespace namespace) {
        this.namespace = namespace;
    }

    public Namespace namespace() {
        return namespace;
    }

    // ---- rooms index ----

    @Override
    public void addAll(String socketId, Set<String> newRooms) {
        Set<String> mine = null;
        Object member = null;
        for (String room : newRooms) {
            if (room.equals(socketId) && ownRoom(socketId, true)) {
                continue;
            }
            if (mine == null) {
                mine = socketRooms.computeIfAbsent(socketId, id -> ConcurrentHashMap.newKeySet(4));
                Socket socket = namespace.localSocket(socketId);
                member = socket != null ? socket : UNRESOLVED;
            }
            if (mine.add(room)) {
                Object value = member;
                rooms.compute(room, (r, members) -> {
                    Map<String, Object> map = members == null ? new ConcurrentHashMap<>(4) : members;
                    map.put(socketId, value);
                    return map;
                });
                namespace.server().options().observer().roomJoined(namespace.name(), room, socketId);
            }
        }
    }

    @Override
    public void del(String socketId, String room) {
        if (room.equals(socketId)) {
            ownRoom(socketId, false);
        }
        Set<String> mine = socketRooms.get(socketId);
        if (mine != null && mine.remove(room)) {
            removeMember(room, socketId);
            namespace.server().options().observer().roomLeft(namespace.name(), room, socketId);
            socketRooms.computeIfPresent(socketId, (id, set) -> set.isEmpty() ? null : set);
        }
    }

    @Override
    public void delAll(String socketId) {
        ownRoom(socketId, false);
        Set<String> mine = socketRooms.remove(socketId);
        if (mine == null) {
            return;
        }
        ServerObserver observer = namespace.server().options().observer();
        for (String room : mine) {
            removeMember(room, socketId);
            observer.roomLeft(namespace.name(), room, socketId);
        }
    }

    /**
     * Puts a local socket in or out of its own room, held as a flag on the socket: every socket is in that room, and
     * a set per socket for it would be most of the rooms index's memory. False when no such socket is here.
     */
    private boolean ownRoom(String socketId, boolean in) {
        Socket socket = namespace.localSocket(socketId);
        if (socket == null) {
            return false;
        }
        socket.inOwnRoom(in);
        return true;
    }

    /** The local socket whose own room this is, if it is in it. */
    private Socket ownRoomMember(String room) {
        Socket socket = namespace.localSocket(room);
        return socket != null && socket.inOwnRoom() ? socket : null;
    }

    private void removeMember(String room, String socketId) {
        rooms.computeIfPresent(room, (r, members) -> {
            members.remove(socketId);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        Set<String> mine = socketRooms.get(socketId);
        boolean own = ownRoomMember(socketId) != null;
        if (mine == null) {
            return own ? Set.of(socketId) : Set.of();
        }
        Set<String> all = new HashSet<>(mine);
        if (own) {
            all.add(socketId);
        }
        return Set.copyOf(all);
    }

    @Override
    public Set<String> sockets(Set<String> inRooms) {
        Set<String> ids = new HashSet<>();
        forEachLocal(new BroadcastOptions(inRooms, Set.of(), BroadcastFlags.DEFAULT), s -> ids.add(s.id()));
        return ids;
    }

    @Override
    public Set<String> rooms() {
        Set<String> all = new HashSet<>(rooms.keySet());
        for (Socket socket : namespace.localSockets()) {
            if (socket.inOwnRoom()) {
                all.add(socket.id());
            }
        }
        return Set.copyOf(all);
    }

    /** Every named room with the ids its index holds, as they are (no filtering of sockets gone): for checks. */
    Map<String, Set<String>> roomsIndex() {
        Map<String, Set<String>> copy = new java.util.HashMap<>();
        rooms.forEach((room, members) -> copy.put(room, Set.copyOf(members.keySet())));
        socketRooms.forEach((id, mine) -> copy.computeIfAbsent("socketRooms:" + id, k -> Set.copyOf(mine)));
        return copy;
    }

    /** Whether the room has a member on this node; cheap, for cluster adapters that filter incoming messages. */
    public boolean hasRoom(String room) {
        return rooms.containsKey(room) || ownRoomMember(room) != null;
    }

    /** Calls {@code action} for each local socket the options select, each socket once. */
    public void forEachLocal(BroadcastOptions opts, Consumer<Socket> action) {
        Set<String> excluded = excludedIds(opts.except());
        if (opts.rooms().isEmpty()) {
            for (Socket socket : namespace.localSockets()) {
                if (!excluded.contains(socket.id())) {
                    action.accept(socket);
                }
            }
            return;
        }
        Set<String> seen = opts.rooms().size() > 1 ? new HashSet<>() : null;
        for (String room : opts.rooms()) {
            Map<String, Object> members = rooms.get(room);
            if (members != null) {
                for (Map.Entry<String, Object> member : members.entrySet()) {
                    String id = member.getKey();
                    if (excluded.contains(id) || (seen != null && !seen.add(id))) {
                        continue;
                    }
                    Socket socket = member.getValue() instanceof Socket known ? known : namespace.localSocket(id);
                    if (socket != null) {
                        action.accept(socket);
                    }
                }
            }
            Socket own = ownRoomMember(room);
            if (own != null && !excluded.contains(room) && (seen == null || seen.add(room))
                    && (members == null || !members.containsKey(room))) {
                action.accept(own);
            }
        }
    }

    private Set<String> excludedIds(Set<String> except) {
        if (except.isEmpty()) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (String room : except) {
            Map<String, Object> members = rooms.get(room);
            if (members != null) {
                ids.addAll(members.keySet());
            }
            if (ownRoomMember(room) != null) {
                ids.add(room);
            }
        }
        return ids;
    }

    // ---- operations, on this node ----

    @Override
    public void broadcast(Packet packet, BroadcastOptions opts) {
        broadcastLocally(packet, opts);
    }

    /** Encodes once and writes the same bytes to every local recipient; returns how many there were. */
    protected int broadcastLocally(Packet packet, BroadcastOptions opts) {
        Fanout fanout = new Fanout();
        forEachLocal(opts, fanout::add);
        ServerObserver observer = namespace.server().options().observer();
        if (fanout.count() > 0) {
            List<OutboundPacket> encoded = namespace.server().encode(packet);
            fanout.deliver(encoded, opts.flags().isVolatile(), (ArrayNode) packet.data());
            observer.messagesOut(encoded, fanout.count());
        }
        observer.broadcast(fanout.count());
        observer.packetsOut(packet.type(), fanout.count());
        return fanout.count();
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount,
                                 Consumer<JsonNode> ack) {
        clientCount.accept(broadcastWithAckLocally(packet, opts, ack));
    }

    /**
     * Sends to every local recipient and waits for each one's answer; with a timeout in the options, the recipients
     * that have not answered by then forget the acknowledgement, so that nothing of the broadcast stays behind.
     */
    protected int broadcastWithAckLocally(Packet packet, BroadcastOptions opts, Consumer<JsonNode> ack) {
        Fanout fanout = new Fanout();
        long ackId = packet.ackId();
        forEachLocal(opts, socket -> {
            socket.expectAck(ackId, (error, args) -> {
                if (error == null) {
                    ack.accept(args.size() > 0 ? args.get(0) : com.fasterxml.jackson.databind.node.NullNode.instance);
                }
            });
            fanout.add(socket);
        });
        if (fanout.count() > 0) {
            fanout.deliver(namespace.server().encode(packet), opts.flags().isVolatile(), (ArrayNode) packet.data());
            long timeout = opts.flags().timeout();
            if (timeout > 0) {
                try {
                    namespace.server().timers().schedule(
                            () -> fanout.forEachOnLoop(socket -> socket.dropAck(ackId)), timeout, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the server is closing: its sockets go with it
                }
            }
        }
        return fanout.count();
    }

    @Override
    public CompletableFuture<List<SocketInfo>> fetchSockets(BroadcastOptions opts) {
        return CompletableFuture.completedFuture(fetchLocalSockets(opts));
    }

    protected List<SocketInfo> fetchLocalSockets(BroadcastOptions opts) {
        List<SocketInfo> found = new ArrayList<>();
        forEachLocal(opts, socket -> found.add(socket.info()));
        return found;
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> newRooms) {
        // a socket the rooms would take past maxRoomsPerSocket is skipped, the others join
        forEachLocal(opts, socket -> socket.joinOrSkip(newRooms));
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> oldRooms) {
        forEachLocal(opts, socket -> oldRooms.forEach(socket::leave));
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        List<Socket> targets = new ArrayList<>();
        forEachLocal(opts, targets::add);
        targets.forEach(socket -> socket.disconnect(close));
    }

    @Override
    public void serverSideEmit(ArrayNode eventAndArgs) {
        // no other node to tell
    }

    @Override
    public CompletableFuture<ArrayNode> serverSideEmitWithAck(ArrayNode eventAndArgs, long timeoutMillis) {
        return CompletableFuture.completedFuture(JsonNodeFactory.instance.arrayNode());
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return CompletableFuture.completedFuture(1);
    }

    @Override
    public CompletableFuture<Set<String>> allRooms() {
        return CompletableFuture.completedFuture(rooms());
    }
}
