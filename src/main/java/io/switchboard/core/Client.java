package io.switchboard.core;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionListener;
import io.switchboard.engine.SessionLoop;
import io.switchboard.protocol.Packet;
import io.switchboard.protocol.FrameDecoder;
import io.switchboard.protocol.PacketDecodingException;
import io.switchboard.protocol.PacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session seen from Socket.IO: decodes its packets, routes them to its namespace sockets (at most one
 * per namespace), and closes it when no namespace is joined within {@code connectTimeout}. Lives on the session's
 * loop.
 */
final class Client implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(Client.class);
    static final String TOO_MANY_NAMESPACES = "Too many namespaces";
    static final String AUTH_TOO_LARGE = "Handshake auth too large";
    static final String NAMESPACE_LIMIT = "Namespace limit reached";
    /** The reason code observers count for {@link #NAMESPACE_LIMIT}. */
    static final String NAMESPACE_LIMIT_REASON = "namespace_limit";

    private final Server server;
    private final EngineSession session;
    private final FrameDecoder decoder;
    private final NamespaceSockets byNamespace = new NamespaceSockets();
    /**
     * Namespaces whose CONNECT is still in the middlewares or the recovery store, each held until it settles; they
     * count against the limit.
     */
    private Map<String, Namespace> connecting;
    private Runnable connectTimeout;
    private boolean closed;
    /** An Engine.IO 3 session: its client speaks Socket.IO protocol 4 ({@link Protocol4}). */
    private final boolean protocol4;

    Client(Server server, EngineSession session) {
        this.server = server;
        this.session = session;
        this.decoder = server.newDecoder();
        this.protocol4 = "3".equals(session.protocol());
        session.setListener(this);
        connectTimeout = session.loop().schedule(() -> {
            connectTimeout = null;
            if (byNamespace.isEmpty()) {
                log.debug("session {} joined no namespace in time, closing", session.id());
                close(DisconnectReason.FORCED_SERVER_CLOSE);
            }
        }, server.options().connectTimeout());
    }

    EngineSession session() {
        return session;
    }

    /** Whether this client speaks Socket.IO protocol 4 (socket.io-client 2.x), over Engine.IO 3. */
    boolean protocol4() {
        return protocol4;
    }

    /** Protocol 4: the client is in the main namespace without asking, as the reference server does. */
    void connectImplicitly() {
        route(Packet.connect(Packet.MAIN_NAMESPACE, null));
    }

    SessionLoop loop() {
        return session.loop();
    }

    boolean isOpen() {
        return !closed && session.isOpen();
    }

    /** Writes encoded packets; a volatile one is dropped when the client is not keeping up. */
    void write(List<OutboundPacket> encoded, boolean isVolatile) {
        if (isVolatile && !session.canTakeMore()) {
            server.options().observer().volatileDropped();
            return;
        }
        session.send(encoded);
    }

    @Override
    public void onMessage(String text) {
        server.options().observer().messageIn(text.length());
        try {
            Packet packet = decoder.add(text);
            if (packet != null && packet.type() == PacketType.CONNECT && tooLarge(text)) {
                refuseConnect(packet.namespace(), AUTH_TOO_LARGE);
            } else if (packet != null) {
                route(packet);
            }
        } catch (PacketDecodingException e) {
            onParseError(e);
        }
    }

    @Override
    public void onBinary(byte[] data) {
        server.options().observer().messageIn(data.length);
        try {
            Packet packet = decoder.add(data);
            // with the msgpack parser a CONNECT comes as one binary message, bounded as the text one is
            if (packet != null && packet.type() == PacketType.CONNECT
                    && data.length > server.options().maxAuthBytes()) {
                refuseConnect(packet.namespace(), AUTH_TOO_LARGE);
            } else if (packet != null) {
                route(packet);
            }
        } catch (PacketDecodingException e) {
            onParseError(e);
        }
    }

    /** Whether a CONNECT's text (namespace and auth) is over maxAuthBytes in UTF-8. */
    private boolean tooLarge(String text) {
        int max = server.options().maxAuthBytes();
        // a UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when the length alone cannot tell
        return text.length() > max || text.length() * 3L > max && text.getBytes(StandardCharsets.UTF_8).length > max;
    }

    private void onParseError(PacketDecodingException e) {
        log.debug("session {} sent an invalid packet: {}", session.id(), e.getMessage());
        // the reference closes the connection ("forced close"), a reason a recovering client may come back from
        close(DisconnectReason.FORCED_CLOSE);
    }

    private void route(Packet packet) {
        if (protocol4 && packet.type() == PacketType.CONNECT) {
            packet = Protocol4.connect(packet);
        }
        server.options().observer().packetIn(packet.type());
        Socket socket = byNamespace.get(packet.namespace());
        if (socket == null && packet.type() == PacketType.CONNECT && connecting != null
                && connecting.containsKey(packet.namespace())) {
            // the client sends CONNECT twice when connect() is called on a socket its manager opened already; the
            // answer to the first serves both, and a second socket would escape maxNamespacesPerSession
            log.debug("session {} repeated CONNECT for namespace {} while it is pending", session.id(),
                    packet.namespace());
        } else if (socket == null && packet.type() == PacketType.CONNECT) {
            connect(packet);
        } else if (socket != null && packet.type() != PacketType.CONNECT
                && packet.type() != PacketType.CONNECT_ERROR) {
            socket.onPacket(packet);
        } else {
            log.debug("session {} sent {} for namespace {} in the wrong state", session.id(), packet.type(),
                    packet.namespace());
            close(DisconnectReason.FORCED_SERVER_CLOSE);
        }
    }

    private void connect(Packet packet) {
        String name = packet.namespace();
        // checked first: looking a dynamic namespace up creates it
        if (byNamespace.size() + (connecting == null ? 0 : connecting.size())
                >= server.options().maxNamespacesPerSession()) {
            refuseConnect(name, TOO_MANY_NAMESPACES);
            return;
        }
        Namespace namespace;
        try {
            namespace = server.reserve(name);
        } catch (NamespaceLimitException e) {
            log.debug("session {} refused for namespace {}: {} are live", session.id(), name,
                    server.options().maxNamespaces());
            server.options().observer().connectRefused(name, NAMESPACE_LIMIT_REASON);
            write(server.encode(Packet.connectError(name, NAMESPACE_LIMIT)), false);
            return;
        }
        if (namespace == null) {
            server.options().observer().connectRefused(name, "invalid namespace");
            write(server.encode(Packet.connectError(name, "Invalid namespace")), false);
            return;
        }
        if (connecting == null) {
            // made on demand and dropped when empty: an idle connection should cost little
            connecting = new HashMap<>(2);
        }
        // the hold taken by reserve is this entry's: given back when the CONNECT is refused or abandoned, handed to
        // the socket when it joins
        connecting.put(name, namespace);
        ObjectNode auth = packet.data() instanceof ObjectNode object ? object : null;
        Handshake handshake = Handshake.of(session.request(), auth);
        if (protocol4) {
            // its socket id is the client's own (the engine's id, after the namespace); no recovery in protocol 4
            namespace.add(this, new Socket(Protocol4.socketId(name, session.id()), false, namespace, this, handshake));
            return;
        }
        if (server.options().connectionStateRecovery() == null) {
            namespace.add(this, new Socket(server.newSocketId(), false, namespace, this, handshake));
            return;
        }
        String pid = auth != null && auth.path("pid").isTextual() ? auth.get("pid").asText() : null;
        String offset = auth != null && auth.path("offset").isTextual() ? auth.get("offset").asText() : null;
        if (pid != null) {
            RecoveryStore store = namespace.recovery();
            // a store that cannot answer in time (Redis stalled or away) must not hold the client: it goes on as a
            // new session
            long timeout = server.options().connectionStateRecovery().storeTimeoutMillis();
            store.restore(pid, offset).toCompletableFuture().orTimeout(timeout, TimeUnit.MILLISECONDS)
                    .whenComplete((restored, error) -> loop().execute(() -> {
                if (error != null) {
                    log.debug("session {} goes on as a new session: the recovery store failed ({})", session.id(),
                            error.toString());
                }
                if (restored != null && isOpen()) {
                    namespace.add(this, new Socket(restored, namespace, this, handshake));
                } else {
                    connectNew(namespace, handshake);
                }
            }));
        } else {
            connectNew(namespace, handshake);
        }
    }

    /**
     * A socket with a fresh id and private id; where the recovery log stood is taken when the namespace accepts it,
     * so that a CONNECT its middlewares refuse never makes the namespace's recovery store.
     */
    private void connectNew(Namespace namespace, Handshake handshake) {
        if (!isOpen()) {
            return;
        }
        namespace.add(this, new Socket(server.newSocketId(), true, namespace, this, handshake));
    }

    private void refuseConnect(String namespace, String message) {
        log.debug("session {} refused for namespace {}: {}", session.id(), namespace, message);
        server.options().observer().connectRefused(namespace, message);
        write(server.encode(Packet.connectError(namespace, message)), false);
    }

    /**
     * A CONNECT of this client was refused: its hold on the namespace is given back. False when it was not pending
     * (settled already, or the client closed).
     */
    boolean stopConnecting(String namespace) {
        Namespace held = settle(namespace);
        if (held == null) {
            return false;
        }
        held.release();
        return true;
    }

    boolean isConnecting(String namespace) {
        return connecting != null && connecting.containsKey(namespace);
    }

    private Namespace settle(String namespace) {
        if (connecting == null) {
            return null;
        }
        Namespace held = connecting.remove(namespace);
        if (connecting.isEmpty()) {
            connecting = null;
        }
        return held;
    }

    /** The namespace accepted a socket of this client: the CONNECT's hold becomes the socket's. */
    void added(Socket socket) {
        settle(socket.namespace().name());
        byNamespace.put(socket);
        if (connectTimeout != null) {
            connectTimeout.run();
            connectTimeout = null;
        }
    }

    void remove(Socket socket) {
        byNamespace.remove(socket);
    }

    /** {@code disconnect(true)}: every socket sends DISCONNECT, then the connection closes. */
    void disconnectAll() {
        for (Socket socket : byNamespace.snapshot()) {
            socket.disconnect(false);
        }
        close(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }

    /** Closes the connection; its sockets disconnect with {@code reason}. */
    void close(String reason) {
        if (closed) {
            return;
        }
        onClose(reason, null);
        session.close();
    }

    @Override
    public void onClose(String reason, String description) {
        if (closed) {
            return;
        }
        closed = true;
        server.removed(this);
        if (connectTimeout != null) {
            connectTimeout.run();
            connectTimeout = null;
        }
        // CONNECTs still in a middleware or the recovery store are abandoned: their namespaces may go
        Map<String, Namespace> abandoned = connecting;
        connecting = null;
        if (abandoned != null) {
            abandoned.values().forEach(Namespace::release);
        }
        for (Socket socket : byNamespace.snapshot()) {
            socket.onClose(reason);
        }
        byNamespace.clear();
        decoder.destroy();
    }
}
