package io.switchboard.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves any session on any node: a request for a session another node owns is relayed to that node over the
 * {@link ClusterLink}, whose node tag begins the session id, and the owner's session answers it as if it had come
 * in directly ({@link RemotePollExchange}, {@link BridgedTransport}). This node plays both parts: relay for the
 * requests it received, owner for its own sessions.
 *
 * <p>The owner's state machine stays the only one: the relay parses nothing and holds nothing but the client's
 * connection, so heartbeats, long-poll waits, overlaps, upgrade and close behave exactly as for a local client.
 */
final class ClusterEngine {
    private static final Logger log = LoggerFactory.getLogger(ClusterEngine.class);

    private final EngineServer server;
    private final ClusterLink link;
    private final String tag;
    private final long forwardTimeout;
    private final long pingInterval;
    /** How often the owner checks that the nodes relaying its sessions are still there. */
    static final long RELAY_WATCH_MILLIS = 1_000;
    private final AtomicLong ids = new AtomicLong();
    private volatile ScheduledFuture<?> watch;
    /** Relay side: forwarded polling requests waiting for the owner's answer. */
    private final Map<Long, ForwardedPoll> polls = new ConcurrentHashMap<>();
    /** Relay side: websockets bridged to their session's owner. */
    private final Map<Long, RelayedWebSocket> relayed = new ConcurrentHashMap<>();
    /** Owner side, by relay tag and id: forwarded GETs not answered yet (a relay may tell they were dropped). */
    private final Map<String, RemotePollExchange> remotePolls = new ConcurrentHashMap<>();
    /** Owner side, by relay tag and id: the websockets of this node's sessions that other nodes hold. */
    private final Map<String, BridgedTransport> bridges = new ConcurrentHashMap<>();

    ClusterEngine(EngineServer server, ClusterLink link, EngineOptions options) {
        this.server = server;
        this.link = link;
        this.tag = link.nodeTag();
        this.forwardTimeout = options.clusterForwardTimeout();
        this.pingInterval = options.pingInterval();
        if (tag == null || tag.length() != ClusterLink.NODE_TAG_LENGTH) {
            throw new IllegalArgumentException("a cluster node tag has " + ClusterLink.NODE_TAG_LENGTH
                    + " characters: " + tag);
        }
    }

    String nodeTag() {
        return tag;
    }

    java.util.concurrent.CompletionStage<Void> start() {
        return link.start(this::onMessage);
    }

    /**
     * Every {@link #RELAY_WATCH_MILLIS}, asks whether the other nodes this node works with still listen. A relay that
     * died cut its clients off: the owner ends their sessions now (so that they recover where they reconnect) rather
     * than at their ping timeout. An owner that died leaves the websockets bridged to it silent: the relay closes
     * them now, and fails the polls waiting on it, rather than letting the clients wait for their ping timeout.
     */
    void watchRelays(io.netty.util.concurrent.EventExecutor executor) {
        watch = executor.scheduleAtFixedRate(this::checkRelays, RELAY_WATCH_MILLIS, RELAY_WATCH_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void checkRelays() {
        java.util.Set<String> relays = new java.util.HashSet<>();
        bridges.values().forEach(transport -> relays.add(transport.relay()));
        remotePolls.keySet().forEach(key -> relays.add(key.substring(0, key.indexOf('/'))));
        relayed.values().forEach(bridge -> relays.add(bridge.owner()));
        polls.values().forEach(poll -> relays.add(poll.owner));
        for (String node : relays) {
            link.present(node).whenComplete((present, error) -> {
                if (error == null && !Boolean.TRUE.equals(present)) {
                    relayGone(node);
                    ownerGone(node);
                }
            });
        }
    }

    private void ownerGone(String owner) {
        relayed.values().removeIf(bridge -> {
            if (bridge.owner().equals(owner)) {
                bridge.closeAbruptly();
                return true;
            }
            return false;
        });
        polls.entrySet().removeIf(entry -> {
            if (entry.getValue().owner.equals(owner)) {
                entry.getValue().timer.cancel(false);
                entry.getValue().exchange.respondError(EngineError.UNKNOWN_SID);
                return true;
            }
            return false;
        });
    }

    private void relayGone(String relay) {
        log.debug("node {} is gone: ending what it relayed and what waited on it", relay);
        bridges.values().removeIf(transport -> {
            if (transport.relay().equals(relay)) {
                transport.closedByPeer();
                return true;
            }
            return false;
        });
        remotePolls.entrySet().removeIf(entry -> {
            if (entry.getKey().startsWith(relay + "/")) {
                entry.getValue().aborted();
                return true;
            }
            return false;
        });
    }

    void stop() {
        if (watch != null) {
            watch.cancel(false);
        }
        link.stop();
    }

    /** Whether the id names a session of another node (this node's own unknown ids are simply unknown). */
    boolean ownedElsewhere(String sid) {
        return sid.length() == SessionIds.LENGTH && !sid.startsWith(tag);
    }

    private static String ownerOf(String sid) {
        return sid.substring(0, ClusterLink.NODE_TAG_LENGTH);
    }

    private static String key(String node, long id) {
        return node + '/' + id;
    }

    // ---- relay side ----

    /**
     * Forwards a polling GET ({@code body} null) or POST to the session's owner and answers the client with what it
     * answers. A GET may wait as long as a local long-poll (up to pingInterval, when the owner's ping goes out), a
     * POST only for the round trip; after that, or at once when no node has the owner's tag, the client gets the
     * "Session ID unknown" of a lost session and reconnects.
     */
    void relayPoll(String sid, String body, PollExchange exchange, EventExecutor executor) {
        long id = ids.incrementAndGet();
        String owner = ownerOf(sid);
        ForwardedPoll poll = new ForwardedPoll(exchange, owner, sid);
        polls.put(id, poll);
        long timeout = body == null ? pingInterval + forwardTimeout : forwardTimeout;
        poll.timer = executor.schedule(() -> giveUp(id), timeout, TimeUnit.MILLISECONDS);
        exchange.onAbort(() -> {
            ForwardedPoll dropped = polls.remove(id);
            if (dropped != null) {
                dropped.timer.cancel(false);
                sendQuietly(owner, ClusterMessage.of(ClusterMessage.Type.POLL_ABORT, tag, id, sid));
            }
        });
        ClusterMessage message = body == null ? ClusterMessage.of(ClusterMessage.Type.POLL_GET, tag, id, sid)
                : new ClusterMessage(ClusterMessage.Type.POLL_POST, tag, id, sid, 0, body, List.of());
        link.send(owner, message).whenComplete((delivered, error) -> {
            if (error != null || !Boolean.TRUE.equals(delivered)) {
                if (error != null) {
                    log.debug("forwarding a request of session {} failed", sid, error);
                }
                ForwardedPoll lost = polls.remove(id);
                if (lost != null) {
                    lost.timer.cancel(false);
                    lost.exchange.respondError(EngineError.UNKNOWN_SID);
                }
            }
        });
    }

    /** No answer in time: the broker or the owner stalls. The owner is told, so that it gives the request up too. */
    private void giveUp(long id) {
        ForwardedPoll poll = polls.remove(id);
        if (poll != null) {
            log.info("no answer from node {} for a request of session {} within its bound: answered \"Session ID "
                    + "unknown\"", poll.owner, poll.sid);
            poll.exchange.respondError(EngineError.UNKNOWN_SID);
            sendQuietly(poll.owner, ClusterMessage.of(ClusterMessage.Type.POLL_ABORT, tag, id, poll.sid));
        }
    }

    private void onReply(ClusterMessage message) {
        ForwardedPoll poll = polls.remove(message.id());
        if (poll == null) {
            return;   // answered already: timed out, or the client went away
        }
        poll.timer.cancel(false);
        switch (message.type()) {
            case REPLY_PAYLOAD -> poll.exchange.respondPayload(message.text());
            case REPLY_OK -> poll.exchange.respondOk();
            case REPLY_ERROR -> poll.exchange.respondError(errorOf(message.code()));
            default -> poll.exchange.respondStatus(message.code());
        }
    }

    private static EngineError errorOf(int code) {
        for (EngineError error : EngineError.values()) {
            if (error.code == code) {
                return error;
            }
        }
        return EngineError.BAD_REQUEST;
    }

    /** Bridges a websocket whose handshake this node answered to the session's owner. */
    RelayedWebSocket relayWebSocket(String sid, String protocol, Channel channel) {
        long id = ids.incrementAndGet();
        String owner = ownerOf(sid);
        RelayedWebSocket bridge = new RelayedWebSocket(this, channel, owner, id, sid);
        relayed.put(id, bridge);
        ClusterMessage open = new ClusterMessage(ClusterMessage.Type.WS_OPEN, tag, id, sid, 0, protocol, List.of());
        sendFromBridge(bridge, open);
        return bridge;
    }

    /** Sends for a relayed websocket; when the owner is gone or unreachable the websocket closes. */
    void sendFromBridge(RelayedWebSocket bridge, ClusterMessage message) {
        link.send(bridge.owner(), message).whenComplete((delivered, error) -> {
            if (error != null || !Boolean.TRUE.equals(delivered)) {
                bridge.closeAbruptly();
            }
        });
    }

    ClusterMessage bridgeMessage(ClusterMessage.Type type, RelayedWebSocket bridge, List<ClusterMessage.Frame> frames) {
        return new ClusterMessage(type, tag, bridge.id(), bridge.sid(), 0, null, frames);
    }

    /** The relayed websocket's channel closed. */
    void relayClosed(RelayedWebSocket bridge, boolean tellOwner) {
        if (relayed.remove(bridge.id(), bridge) && tellOwner) {
            sendQuietly(bridge.owner(), bridgeMessage(ClusterMessage.Type.WS_CLOSED, bridge, List.of()));
        }
    }

    // ---- owner side ----

    private void onPollRequest(ClusterMessage message) {
        EngineSession session = server.session(message.sid());
        if (session == null) {
            reply(message.from(), message.id(), message.sid(), ClusterMessage.Type.REPLY_ERROR,
                    EngineError.UNKNOWN_SID.code, null);
            return;
        }
        RemotePollExchange exchange = new RemotePollExchange(this, message.from(), message.id(), message.sid(),
                System.nanoTime());
        String body = message.type() == ClusterMessage.Type.POLL_POST
                ? (message.text() == null ? "" : message.text()) : null;
        if (body == null) {
            remotePolls.put(key(message.from(), message.id()), exchange);
        }
        session.inbound(() -> session.onPollingRequest(body, exchange));
    }

    private void onPollAbort(ClusterMessage message) {
        RemotePollExchange exchange = remotePolls.remove(key(message.from(), message.id()));
        if (exchange != null) {
            exchange.aborted();
        }
    }

    void reply(String relay, long id, String sid, ClusterMessage.Type type, int code, String text) {
        remotePolls.remove(key(relay, id));
        sendQuietly(relay, new ClusterMessage(type, tag, id, sid, code, text, List.of()));
    }

    private void onWebSocketOpen(ClusterMessage message) {
        EngineSession session = server.session(message.sid());
        BridgedTransport transport = new BridgedTransport(this, message.from(), message.id(), message.sid());
        if (session == null || !session.protocol().equals(message.text())) {
            transport.close(List.of());
            return;
        }
        transport.attach(session);
        bridges.put(key(message.from(), message.id()), transport);
        session.inbound(() -> {
            if (!session.tryUpgrade(transport)) {
                session.loop().afterReadsInFlight(() -> transport.close(List.of()));
            }
        });
    }

    private void onWebSocketIn(ClusterMessage message) {
        BridgedTransport transport = bridges.get(key(message.from(), message.id()));
        if (transport != null) {
            transport.received(message.frames());
        }
    }

    private void onWebSocketClosed(ClusterMessage message) {
        BridgedTransport transport = bridges.remove(key(message.from(), message.id()));
        if (transport != null) {
            transport.closedByPeer();
        }
    }

    /** Sends frames from a bridged transport to its relay; false from the link means the relay node is gone. */
    void sendToRelay(BridgedTransport transport, ClusterMessage.Type type, List<ClusterMessage.Frame> frames) {
        if (type == ClusterMessage.Type.WS_CLOSE) {
            bridges.remove(key(transport.relay(), transport.id()), transport);
        }
        ClusterMessage message = new ClusterMessage(type, tag, transport.id(), transport.sid(), 0, null, frames);
        link.send(transport.relay(), message).whenComplete((delivered, error) -> {
            if (type != ClusterMessage.Type.WS_CLOSE && (error != null || !Boolean.TRUE.equals(delivered))) {
                bridges.remove(key(transport.relay(), transport.id()), transport);
                transport.closedByPeer();
            }
        });
    }

    // ---- both ----

    private void onMessage(ClusterMessage message) {
        try {
            switch (message.type()) {
                case POLL_GET, POLL_POST -> onPollRequest(message);
                case POLL_ABORT -> onPollAbort(message);
                case REPLY_PAYLOAD, REPLY_OK, REPLY_ERROR, REPLY_STATUS -> onReply(message);
                case WS_OPEN -> onWebSocketOpen(message);
                case WS_IN -> onWebSocketIn(message);
                case WS_CLOSED -> onWebSocketClosed(message);
                case WS_OUT, WS_CLOSE -> {
                    RelayedWebSocket bridge = relayed.get(message.id());
                    if (bridge != null) {
                        bridge.fromOwner(message.frames(), message.type() == ClusterMessage.Type.WS_CLOSE);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("cluster message {} for session {} failed", message.type(), message.sid(), e);
        }
    }

    private void sendQuietly(String node, ClusterMessage message) {
        link.send(node, message).whenComplete((delivered, error) -> {
            if (error != null) {
                log.debug("cluster message {} to node {} failed", message.type(), node, error);
            }
        });
    }

    private static final class ForwardedPoll {
        final PollExchange exchange;
        final String owner;
        final String sid;
        ScheduledFuture<?> timer;

        ForwardedPoll(PollExchange exchange, String owner, String sid) {
            this.exchange = exchange;
            this.owner = owner;
            this.sid = sid;
        }
    }
}
