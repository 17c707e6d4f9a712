package io.switchboard.server.adminui;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.core.Namespace;
import io.switchboard.core.ForwardingServerObserver;
import io.switchboard.core.ServerObserver;
import io.switchboard.core.Socket;
import io.switchboard.engine.EngineObserver;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.ForwardingEngineObserver;
import io.switchboard.engine.OutboundPacket;

/**
 * What the Admin UI is told about this node, heard from the engine and the core: the aggregated events of
 * {@code server_stats} (connections, disconnections by reason, packets and bytes in and out) and the polling clients,
 * always; in development mode also every socket's arrival, update (transport upgrade), rooms, events and departure,
 * each emitted on the admin namespace at once (so to the UIs on every node, through the adapter).
 *
 * <p>It sits in front of the metrics' observers ({@link #observing(ServerObserver)},
 * {@link #observing(EngineObserver)}) and passes everything on.
 */
public final class AdminUiMonitor {
    private final boolean development;
    private final String adminNamespace;
    private final LongSupplier clock;
    private final AggregatedEvents events;
    private final AtomicInteger pollingClients = new AtomicInteger();
    /** Development mode: the sockets of each connection, told of its upgrade. */
    private final Map<String, Set<Socket>> socketsByConnection = new ConcurrentHashMap<>();
    private volatile Namespace admin;

    public AdminUiMonitor(boolean development, String adminNamespace, LongSupplier clock) {
        this.development = development;
        this.adminNamespace = adminNamespace;
        this.clock = clock;
        this.events = new AggregatedEvents(clock);
    }

    /** The namespace the per-socket events go to; none are sent before it is set. */
    void admin(Namespace namespace) {
        this.admin = namespace;
    }

    int pollingClients() {
        return pollingClients.get();
    }

    List<Map<String, Object>> drainEvents() {
        return events.drain();
    }

    private String now() {
        return Instant.ofEpochMilli(clock.getAsLong()).toString();
    }

    private void tell(String event, Object... args) {
        Namespace namespace = admin;
        if (namespace != null) {
            namespace.emit(event, args);
        }
    }

    // ---- the core ----

    private void connected(Socket socket) {
        if (!development) {
            return;
        }
        Map<String, Object> adminData = new LinkedHashMap<>();
        String connection = socket.connectionId();
        adminData.put("clientId", connection.substring(0, Math.min(12, connection.length())));
        adminData.put("transport", socket.transport());
        socket.data().put(SocketView.ADMIN_DATA, adminData);
        socketsByConnection.computeIfAbsent(connection, id -> ConcurrentHashMap.newKeySet(2)).add(socket);
        String nsp = socket.namespace().name();
        tell("socket_connected", SocketView.of(socket.id(), nsp, socket.handshake(), socket.rooms(), socket.data()),
                now());
        if (!nsp.equals(adminNamespace)) {
            socket.onAny((event, args) -> tell("event_received", nsp, socket.id(), withName(event, args), now()));
            socket.onAnyOutgoing((event, args) -> tell("event_sent", nsp, socket.id(), withName(event, args), now()));
        }
    }

    private static List<Object> withName(String event, ArrayNode args) {
        List<Object> all = new ArrayList<>(args.size() + 1);
        all.add(event);
        args.forEach(all::add);
        return all;
    }

    private void disconnected(Socket socket, String reason) {
        if (!development) {
            return;
        }
        socketsByConnection.computeIfPresent(socket.connectionId(), (id, sockets) -> {
            sockets.remove(socket);
            return sockets.isEmpty() ? null : sockets;
        });
        tell("socket_disconnected", socket.namespace().name(), socket.id(), reason, now());
    }

    private void room(String event, String nsp, String room, String socketId) {
        if (development) {
            tell(event, nsp, room, socketId, now());
        }
    }

    private void messagesOut(List<OutboundPacket> encoded, int recipients) {
        long bytes = 0;
        for (OutboundPacket packet : encoded) {
            // the payload, as the reference counts it: without the Engine.IO type digit of a text packet
            bytes += packet.isBinary() ? packet.frameBytes().length : packet.frameBytes().length - 1;
        }
        events.add("packetsOut", null, (long) encoded.size() * recipients);
        events.add("bytesOut", null, bytes * recipients);
    }

    // ---- the engine ----

    private void opened(EngineSession session) {
        events.add("rawConnection");
        if ("polling".equals(session.transportName())) {
            pollingClients.incrementAndGet();
        }
    }

    private void upgraded(EngineSession session) {
        pollingClients.decrementAndGet();
        if (!development) {
            return;
        }
        Set<Socket> sockets = socketsByConnection.get(session.id());
        if (sockets == null) {
            return;
        }
        String transport = session.transportName();
        for (Socket socket : sockets) {
            if (socket.data(SocketView.ADMIN_DATA) instanceof Map<?, ?> data) {
                @SuppressWarnings("unchecked")
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) data);
                copy.put("transport", transport);
                socket.data().put(SocketView.ADMIN_DATA, copy);
            }
            Map<String, Object> update = new LinkedHashMap<>();
            update.put("id", socket.id());
            update.put("nsp", socket.namespace().name());
            update.put("transport", transport);
            tell("socket_updated", update);
        }
    }

    private void closed(EngineSession session, String reason) {
        events.add("rawDisconnection", reason, 1);
        if ("polling".equals(session.transportName())) {
            pollingClients.decrementAndGet();
        }
    }

    /** The engine observer that hears sessions open, upgrade and close, then passes them on. */
    public EngineObserver observing(EngineObserver next) {
        return new ForwardingEngineObserver(next) {
            @Override
            public void sessionOpened(EngineSession session) {
                opened(session);
                next.sessionOpened(session);
            }

            @Override
            public void upgraded(EngineSession session) {
                AdminUiMonitor.this.upgraded(session);
                next.upgraded(session);
            }

            @Override
            public void sessionClosed(EngineSession session, String reason) {
                closed(session, reason);
                next.sessionClosed(session, reason);
            }
        };
    }

    /** The server observer that hears sockets, rooms and messages, then passes them on. */
    public ServerObserver observing(ServerObserver next) {
        return new ForwardingServerObserver(next) {
            @Override
            public void connected(Socket socket, boolean recovered) {
                AdminUiMonitor.this.connected(socket);
                next.connected(socket, recovered);
            }

            @Override
            public void disconnected(Socket socket, String reason) {
                AdminUiMonitor.this.disconnected(socket, reason);
                next.disconnected(socket, reason);
            }

            @Override
            public void messageIn(int length) {
                events.add("packetsIn");
                events.add("bytesIn", null, length);
                next.messageIn(length);
            }

            @Override
            public void messagesOut(List<OutboundPacket> encoded, int recipients) {
                AdminUiMonitor.this.messagesOut(encoded, recipients);
                next.messagesOut(encoded, recipients);
            }

            @Override
            public void roomJoined(String namespace, String room, String socketId) {
                room("room_joined", namespace, room, socketId);
                next.roomJoined(namespace, room, socketId);
            }

            @Override
            public void roomLeft(String namespace, String room, String socketId) {
                room("room_left", namespace, room, socketId);
                next.roomLeft(namespace, room, socketId);
            }
        };
    }
}
