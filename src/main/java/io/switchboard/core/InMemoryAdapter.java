package io.switchboard.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionLoop;
import io.switchboard.protocol.Packet;

/**
 * The rooms index of one namespace on one node, and every cluster operation carried out on this node alone.
 * Cluster adapters extend it and add the other nodes.
 *
 * <p>The index is kept per event loop ({@link LoopRooms}), each written only by its loop: {@link #addAll},
 * {@link #del} and {@link #delAll} are called on the socket's loop. An operation on sockets (broadcast, fetch, join,
 * leave, disconnect) selects its recipients on each loop that may hold some, when that loop runs its part: one task
 * per other loop, at once for the caller's own. So whatever the caller queued on a loop before (a join from the same
 * thread) is seen, in order, and a broadcast from a loop to members on that loop costs no task at all. Reads from
 * other threads ({@link #rooms}, {@link #sockets}, {@link #socketRooms}, {@link #hasRoom}) see the index as of some
 * recent moment: a join queued from another thread shows once its loop ran it.
 */
public class InMemoryAdapter implements Adapter {
    /** Above this many recipients, a frame copied once into direct memory beats a copy per socket write. */
    private static final int SHARED_FRAME_THRESHOLD = 8;
    private static final Object UNRESOLVED = new Object();

    protected final Namespace namespace;
    /** The named rooms of each loop's sockets; a loop is here from its first socket's connect on. */
    private final Map<SessionLoop, LoopRooms> loops = new ConcurrentHashMap<>();
    /** Ids joined while no such socket is here: they count as rooms of this node, and no operation selects them. */
    private final LoopRooms unresolved = new LoopRooms(null);
    /** The named rooms of each socket that joined any; a socket only in its own room has no entry. */
    private final Map<String, Set<String>> socketRooms = new ConcurrentHashMap<>();

    public InMemoryAdapter(Namespace namespace) {
        this.namespace = namespace;
    }

    public Namespace namespace() {
        return namespace;
    }

    // ---- rooms index, written on the socket's loop ----

    private LoopRooms indexOf(Socket socket) {
        return socket == null ? unresolved : loops.computeIfAbsent(socket.loop(), LoopRooms::new);
    }

    @Override
    public void addAll(String socketId, Set<String> newRooms) {
        Socket socket = namespace.localSocket(socketId);
        // made at the socket's first room (its own, at connect), so that broadcasts to everyone go to its loop
        LoopRooms index = indexOf(socket);
        Set<String> mine = socketRooms.get(socketId);
        for (String room : newRooms) {
            if (socket != null && room.equals(socketId)) {
                // held as a flag on the socket: every socket is in that room, and an entry per socket for it would
                // be most of the index's memory
                socket.inOwnRoom(true);
                continue;
            }
            if (mine != null && mine.contains(room)) {
                continue;
            }
            room = nameOf(room);
            mine = RoomSet.plus(mine, room);
            socketRooms.put(socketId, mine);
            index.add(room, socketId, socket != null ? socket : UNRESOLVED);
            namespace.server().options().observer().roomJoined(namespace.name(), room, socketId);
        }
    }

    @Override
    public void del(String socketId, String room) {
        Socket socket = namespace.localSocket(socketId);
        if (socket != null && room.equals(socketId)) {
            socket.inOwnRoom(false);
        }
        Set<String> mine = socketRooms.get(socketId);
        if (mine != null && mine.contains(room)) {
            Set<String> rest = RoomSet.minus(mine, room);
            if (rest == null) {
                socketRooms.remove(socketId);
            } else if (rest != mine) {
                socketRooms.put(socketId, rest);
            }
            removeMember(socket, room, socketId);
            namespace.server().options().observer().roomLeft(namespace.name(), room, socketId);
        }
    }

    @Override
    public void delAll(String socketId) {
        Socket socket = namespace.localSocket(socketId);
        if (socket != null) {
            socket.inOwnRoom(false);
        }
        Set<String> mine = socketRooms.remove(socketId);
        if (mine == null) {
            return;
        }
        ServerObserver observer = namespace.server().options().observer();
        for (String room : mine) {
            removeMember(socket, room, socketId);
            observer.roomLeft(namespace.name(), room, socketId);
        }
    }

    /**
     * The string the index already names this room by (any loop's), so that every member and logged broadcast shares
     * one; the given one for a room new here.
     */
    private String nameOf(String room) {
        String name;
        for (LoopRooms index : loops.values()) {
            name = index.nameOf(room);
            if (name != null) {
                return name;
            }
        }
        name = unresolved.nameOf(room);
        return name != null ? name : room;
    }

    /** The options with the rooms named as the index names them: what the recovery log keeps for its window. */
    private BroadcastOptions withIndexNames(BroadcastOptions opts) {
        if (opts.rooms().isEmpty() && opts.except().isEmpty()) {
            return opts;
        }
        Set<String> rooms = withIndexNames(opts.rooms());
        Set<String> except = withIndexNames(opts.except());
        return rooms == opts.rooms() && except == opts.except() ? opts
                : new BroadcastOptions(rooms, except, opts.flags());
    }

    private Set<String> withIndexNames(Set<String> rooms) {
        if (rooms.isEmpty()) {
            return rooms;
        }
        List<String> named = new ArrayList<>(rooms.size());
        boolean changed = false;
        for (String room : rooms) {
            String name = nameOf(room);
            changed |= name != room;
            named.add(name);
        }
        return changed ? Set.copyOf(named) : rooms;
    }

    private void removeMember(Socket socket, String room, String socketId) {
        if (socket != null) {
            indexOf(socket).remove(room, socketId);
        } else {
            // a socket no longer here: wherever its membership was kept
            loops.values().forEach(index -> index.remove(room, socketId));
        }
        unresolved.remove(room, socketId);
    }

    /** The local socket whose own room this is, if it is in it. */
    private Socket ownRoomMember(String room) {
        Socket socket = namespace.localSocket(room);
        return socket != null && socket.inOwnRoom() ? socket : null;
    }

    // ---- reads, from any thread ----

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
    public int socketRoomCount(String socketId) {
        Set<String> mine = socketRooms.get(socketId);
        return (mine == null ? 0 : mine.size()) + (ownRoomMember(socketId) != null ? 1 : 0);
    }

    @Override
    public Set<String> sockets(Set<String> inRooms) {
        Set<String> ids = new HashSet<>();
        BroadcastOptions opts = new BroadcastOptions(inRooms, Set.of(), BroadcastFlags.DEFAULT);
        for (LoopRooms index : loops.values()) {
            select(index, opts, socket -> ids.add(socket.id()));
        }
        return ids;
    }

    @Override
    public Set<String> rooms() {
        Set<String> all = new HashSet<>(unresolved.rooms.keySet());
        loops.values().forEach(index -> all.addAll(index.rooms.keySet()));
        for (Socket socket : namespace.localSockets()) {
            if (socket.inOwnRoom()) {
                all.add(socket.id());
            }
        }
        return Set.copyOf(all);
    }

    /** Every named room with the ids its index holds, as they are (no filtering of sockets gone): for checks. */
    Map<String, Set<String>> roomsIndex() {
        Map<String, Set<String>> copy = new HashMap<>();
        List<LoopRooms> all = new ArrayList<>(loops.values());
        all.add(unresolved);
        for (LoopRooms index : all) {
            index.rooms.forEach((room, members) ->
                    copy.computeIfAbsent(room, r -> new HashSet<>()).addAll(members.keySet()));
        }
        socketRooms.forEach((id, mine) -> copy.computeIfAbsent("socketRooms:" + id, k -> Set.copyOf(mine)));
        return copy;
    }

    /**
     * Whether a broadcast to the room may have a recipient here: it has a member, or a join queued on some loop has
     * not run yet (it will have run when the broadcast's part reaches that loop). For cluster adapters that drop
     * messages nobody here wants before decoding them.
     */
    public boolean mayHaveRoom(String room) {
        return hasRoom(room) || namespace.roomChanges().queuedAnywhere();
    }

    /**
     * Whether the room has a member on this node (on any loop); cheap, for cluster adapters that filter incoming
     * messages and follow the rooms that exist here.
     */
    public boolean hasRoom(String room) {
        if (unresolved.rooms.containsKey(room) || ownRoomMember(room) != null) {
            return true;
        }
        for (LoopRooms index : loops.values()) {
            if (index.rooms.containsKey(room)) {
                return true;
            }
        }
        return false;
    }

    // ---- selection, on each loop ----

    /**
     * The loops that may hold sockets the options select: with rooms, those whose index has one of them (or the
     * socket whose own room it is) and those with a room change still queued, which the part run after it will see;
     * without, every loop that has had sockets here.
     */
    private List<LoopRooms> candidates(BroadcastOptions opts) {
        List<LoopRooms> found = new ArrayList<>(loops.size());
        for (LoopRooms index : loops.values()) {
            if (opts.rooms().isEmpty() || holdsAny(index, opts.rooms())
                    || namespace.roomChanges().queuedOn(index.loop)) {
                found.add(index);
            }
        }
        return found;
    }

    private boolean holdsAny(LoopRooms index, Set<String> rooms) {
        for (String room : rooms) {
            if (index.rooms.containsKey(room)) {
                return true;
            }
            Socket own = namespace.localSocket(room);
            if (own != null && own.loop() == index.loop) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs the part on each loop: the other loops first, through the namespace's mailbox there, so that they work in
     * parallel with this one and in the order of everything else asked of them.
     */
    private void onEachLoop(List<LoopRooms> parts, boolean changesRooms, Consumer<LoopRooms> part,
                            Consumer<LoopRooms> refused) {
        LoopRooms own = null;
        for (LoopRooms index : parts) {
            if (index.loop.inLoop()) {
                own = index;
                continue;
            }
            boolean queued = changesRooms
                    // counted as a queued room change: a broadcast the caller makes next goes to that loop too
                    ? namespace.roomChanges().run(index.loop, () -> part.accept(index))
                    : namespace.mailboxes().of(index.loop).add(() -> part.accept(index));
            if (!queued) {
                refused.accept(index);
            }
        }
        if (own != null) {
            LoopRooms here = own;
            namespace.mailboxes().run(here.loop, () -> part.accept(here));
        }
    }

    /** The sockets of that loop the options select, each once; on that loop. */
    private List<Socket> selectOnLoop(LoopRooms index, BroadcastOptions opts) {
        List<Socket> found = new ArrayList<>();
        select(index, opts, found::add);
        return found;
    }

    private void select(LoopRooms index, BroadcastOptions opts, Consumer<Socket> action) {
        Set<String> excluded = excludedIds(index, opts.except());
        if (opts.rooms().isEmpty()) {
            for (Socket socket : namespace.localSockets()) {
                if (socket.loop() == index.loop && !excluded.contains(socket.id())) {
                    action.accept(socket);
                }
            }
            return;
        }
        Set<String> seen = opts.rooms().size() > 1 ? new HashSet<>() : null;
        for (String room : opts.rooms()) {
            LoopRooms.Members members = index.rooms.get(room);
            if (members != null) {
                for (Map.Entry<String, Object> member : members.entrySet()) {
                    String id = member.getKey();
                    if (excluded.contains(id) || (seen != null && !seen.add(id))) {
                        continue;
                    }
                    if (member.getValue() instanceof Socket socket) {
                        action.accept(socket);
                    }
                }
            }
            Socket own = ownRoomMember(room);
            if (own != null && own.loop() == index.loop && !excluded.contains(room)
                    && (seen == null || seen.add(room)) && (members == null || !members.containsKey(room))) {
                action.accept(own);
            }
        }
    }

    /** The ids of that loop's sockets in any of the rooms: only they can be among that loop's recipients. */
    private Set<String> excludedIds(LoopRooms index, Set<String> except) {
        if (except.isEmpty()) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        for (String room : except) {
            LoopRooms.Members members = index.rooms.get(room);
            if (members != null) {
                ids.addAll(members.keySet());
            }
            Socket own = ownRoomMember(room);
            if (own != null && own.loop() == index.loop) {
                ids.add(room);
            }
        }
        return ids;
    }

    /** About how many recipients the loops hold, read from here: decides whether the frame is shared. */
    private int expectedRecipients(List<LoopRooms> parts, BroadcastOptions opts) {
        if (opts.rooms().isEmpty()) {
            return namespace.localSockets().size();
        }
        int count = 0;
        for (LoopRooms index : parts) {
            for (String room : opts.rooms()) {
                count += index.size(room);
            }
        }
        return count;
    }

    /** Encoded once, here, on the caller's thread: the loops write the same bytes. */
    private List<OutboundPacket> encodeForAll(Packet packet, List<LoopRooms> parts, BroadcastOptions opts) {
        List<OutboundPacket> encoded = namespace.server().encode(packet);
        if (expectedRecipients(parts, opts) >= SHARED_FRAME_THRESHOLD) {
            encoded.forEach(OutboundPacket::shareWithManyRecipients);
        }
        return encoded;
    }

    /** Writes to each recipient, showing the event to its onAnyOutgoing listeners first; on their loop. */
    private static void writeAll(List<Socket> sockets, List<OutboundPacket> encoded, boolean isVolatile,
                                 ArrayNode eventData) {
        for (int i = 0, n = sockets.size(); i < n; i++) {
            Socket socket = sockets.get(i);
            socket.notifyOutgoing(eventData);
            socket.write(encoded, isVolatile);
        }
    }

    // ---- operations, on this node ----

    @Override
    public void broadcast(Packet packet, BroadcastOptions opts) {
        broadcastLocally(packet, opts, logging(packet, opts));
    }

    /**
     * What gives a packet broadcast from here its recovery offset, when the namespace logs it (recovery is on and
     * the packet is not volatile); else null. The offset rides as the packet's last argument.
     */
    protected Runnable logging(Packet packet, BroadcastOptions opts) {
        RecoveryStore store = namespace.recovery();
        if (store == null || opts.flags().isVolatile()) {
            return null;
        }
        ArrayNode data = (ArrayNode) packet.data();
        return () -> data.add(store.append(data, withIndexNames(opts)));
    }

    /**
     * A cluster adapter's broadcast: {@code publishing} (null for a local one) tells the other nodes, and the packet
     * is delivered here. A logged packet is published as it gets its offset, so that the other nodes get this
     * node's packets in offset order too.
     */
    protected void broadcastAndPublish(Packet packet, BroadcastOptions opts, Runnable publishing) {
        Runnable logging = logging(packet, opts);
        if (logging == null) {
            if (publishing != null) {
                publishing.run();
            }
            broadcastLocally(packet, opts, null);
            return;
        }
        broadcastLocally(packet, opts, publishing == null ? logging : () -> {
            logging.run();
            publishing.run();
        });
    }

    /**
     * Encodes once and writes the same bytes to every local recipient, each loop to its own. With {@code stamp}
     * (what gives the packet its offset: {@link #logging}, or a cluster adapter's relay of another node's packet),
     * the offset is taken and the parts queued in one step ({@link LoopMailboxes#sendLogged}), and the loops are
     * chosen after it, so that a socket back in its rooms by then is among the recipients, and one that is not
     * finds the packet in the log.
     */
    protected void broadcastLocally(Packet packet, BroadcastOptions opts, Runnable stamp) {
        if (stamp == null) {
            List<LoopRooms> parts = candidates(opts);
            Consumer<LoopRooms> part = deliveryPart(packet, opts, parts);
            onEachLoop(parts, false, part, index -> part.accept(null));
            return;
        }
        namespace.mailboxes().sendLogged(queue -> {
            stamp.run();
            List<LoopRooms> parts = candidates(opts);
            Consumer<LoopRooms> part = deliveryPart(packet, opts, parts);
            for (LoopRooms index : parts) {
                queue.queue(index.loop, () -> part.accept(index), () -> part.accept(null));
            }
        });
    }

    /**
     * What each loop does with a broadcast: writes to its recipients and counts them; with null (the loop refused
     * the part) counts none. With no parts at all the broadcast is counted at once.
     */
    private Consumer<LoopRooms> deliveryPart(Packet packet, BroadcastOptions opts, List<LoopRooms> parts) {
        ServerObserver observer = namespace.server().options().observer();
        List<OutboundPacket> encoded = parts.isEmpty() ? List.of() : encodeForAll(packet, parts, opts);
        LoopParts counted = new LoopParts(parts.size(), total -> {
            if (total > 0) {
                observer.messagesOut(encoded, total);
            }
            observer.broadcast(total);
            observer.packetsOut(packet.type(), total);
        });
        boolean isVolatile = opts.flags().isVolatile();
        ArrayNode eventData = (ArrayNode) packet.data();
        return index -> {
            if (index == null) {
                counted.partDone(0);
                return;
            }
            List<Socket> recipients = selectOnLoop(index, opts);
            writeAll(recipients, encoded, isVolatile, eventData);
            counted.partDone(recipients.size());
        };
    }

    @Override
    public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount,
                                 Consumer<JsonNode> ack) {
        broadcastWithAckLocally(packet, opts, ack, clientCount);
    }

    /**
     * Sends to every local recipient and waits for each one's answer; {@code clientCount} is told how many there
     * were once every loop selected its own. With a timeout in the options, the recipients that have not answered by
     * then forget the acknowledgement, so that nothing of the broadcast stays behind.
     */
    protected void broadcastWithAckLocally(Packet packet, BroadcastOptions opts, Consumer<JsonNode> ack,
                                           IntConsumer clientCount) {
        List<LoopRooms> parts = candidates(opts);
        LoopParts counted = new LoopParts(parts.size(), clientCount);
        if (parts.isEmpty()) {
            return;
        }
        List<OutboundPacket> encoded = encodeForAll(packet, parts, opts);
        long ackId = packet.ackId();
        long timeout = opts.flags().timeout();
        AckCallback answer = (error, args) -> {
            if (error == null) {
                ack.accept(args.size() > 0 ? args.get(0) : NullNode.instance);
            }
        };
        onEachLoop(parts, false, index -> {
            List<Socket> recipients = selectOnLoop(index, opts);
            for (int i = 0, n = recipients.size(); i < n; i++) {
                recipients.get(i).expectAck(ackId, answer);
            }
            writeAll(recipients, encoded, opts.flags().isVolatile(), (ArrayNode) packet.data());
            if (timeout > 0 && !recipients.isEmpty()) {
                index.loop.schedule(() -> recipients.forEach(socket -> socket.dropAck(ackId)), timeout);
            }
            counted.partDone(recipients.size());
        }, index -> counted.partDone(0));
    }

    @Override
    public CompletableFuture<List<SocketInfo>> fetchSockets(BroadcastOptions opts) {
        return fetchLocalSockets(opts);
    }

    /** The local sockets the options select, each loop collecting its own after what was queued there before. */
    protected CompletableFuture<List<SocketInfo>> fetchLocalSockets(BroadcastOptions opts) {
        List<LoopRooms> parts = candidates(opts);
        CompletableFuture<List<SocketInfo>> result = new CompletableFuture<>();
        Queue<SocketInfo> found = new ConcurrentLinkedQueue<>();
        LoopParts counted = new LoopParts(parts.size(), total -> result.complete(new ArrayList<>(found)));
        onEachLoop(parts, false, index -> {
            List<Socket> sockets = selectOnLoop(index, opts);
            sockets.forEach(socket -> found.add(socket.info()));
            counted.partDone(sockets.size());
        }, index -> counted.partDone(0));
        return result;
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> newRooms) {
        // a socket the rooms would take past maxRoomsPerSocket is skipped, the others join
        onEachLoop(candidates(opts), true,
                index -> selectOnLoop(index, opts).forEach(socket -> socket.joinOrSkip(newRooms)), index -> { });
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> oldRooms) {
        onEachLoop(candidates(opts), true,
                index -> selectOnLoop(index, opts).forEach(socket -> oldRooms.forEach(socket::leave)), index -> { });
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        onEachLoop(candidates(opts), false,
                index -> selectOnLoop(index, opts).forEach(socket -> socket.disconnect(close)), index -> { });
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
