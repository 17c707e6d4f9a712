package io.switchboard.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session: its transport (and the one it may upgrade to), the packets waiting for a polling
 * request, the heartbeat and the close. Plain Java: every method except {@link #send} and {@link #close} expects to
 * run on the session's loop, and the public ones hop onto it.
 */
public final class EngineSession {
    /**
     * How long a client's CLOSE over polling, before any GET, waits for a GET sent with it on another connection. The
     * GET ends the wait when it comes; the wait is long because on a loaded machine the GET's loop may not run for
     * hundreds of milliseconds.
     */
    static final long CLIENT_CLOSE_GRACE_MILLIS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(EngineSession.class);
    /** How long a polling session waits for the next GET to deliver its CLOSE packet, as the reference does. */
    static final long POLLING_CLOSE_TIMEOUT = 30_000;
    /** How often a pending GET is released with a NOOP while a websocket upgrade is being probed. */
    static final long UPGRADE_NOOP_INTERVAL = 100;

    private enum State { OPEN, CLOSING, CLOSED }

    private final String id;
    private final HandshakeRequest request;
    private final EngineOptions options;
    private final SessionLoop loop;
    private final Consumer<EngineSession> onClosed;
    private final SessionInbox inbox;
    /** Engine.IO 3 (allowEIO3): the client pings, the server answers. */
    private final boolean eio3;
    private SessionListener listener = SessionListener.NONE;

    private State state = State.OPEN;
    private Transport transport;
    private Transport upgradeTarget;
    private boolean upgraded;
    /** The client sent CLOSE over polling; the session ends once what was sent with it has been read. */
    private boolean closingByClient;
    /** While a client's CLOSE waits for a GET sent with it: the close, and the timer that runs it anyway. */
    private Runnable closeAwaitingGet;
    private Runnable closeAwaitingGetTimer;
    private ArrayDeque<OutboundPacket> writeBuffer;
    /** The size of what waits in the write buffer, in polling form. */
    private long bufferedBytes;

    /** When the client last sent anything, on the loop's clock: traffic waiting for a pong counts as liveness. */
    private long lastPacketAt;
    /** Its place in the loop's {@link PingQueue} while it waits to ping: the queue's links and deadline. */
    EngineSession pingPrev;
    EngineSession pingNext;
    long pingAt;
    boolean pingQueued;
    private Runnable pingTimeoutTask;
    private Runnable upgradeTimeoutTask;
    private Runnable upgradeNoopTask;
    private Runnable closeTimeoutTask;

    EngineSession(String id, HandshakeRequest request, EngineOptions options, SessionLoop loop, Transport transport,
                  Consumer<EngineSession> onClosed) {
        this(id, request, options, loop, transport, onClosed, false);
    }

    EngineSession(String id, HandshakeRequest request, EngineOptions options, SessionLoop loop, Transport transport,
                  Consumer<EngineSession> onClosed, boolean eio3) {
        this.eio3 = eio3;
        this.id = id;
        this.request = request;
        this.options = options;
        this.loop = loop;
        this.transport = transport;
        this.onClosed = onClosed;
        this.inbox = new SessionInbox(loop);
        this.lastPacketAt = loop.nowMillis();
    }

    public String id() {
        return id;
    }

    public HandshakeRequest request() {
        return request;
    }

    public SessionLoop loop() {
        return loop;
    }

    /**
     * Runs what a connection read for this session (a request, a frame, the connection closing) on the session's
     * loop, in the order the connections' loops read them; callable from any thread.
     */
    void inbound(Runnable task) {
        inbox.submit(task);
    }

    /** The Engine.IO protocol revision the session speaks, as its requests name it in {@code EIO}. */
    public String protocol() {
        return eio3 ? "3" : "4";
    }

    /** The current transport's wire name: "polling" or "websocket". */
    public String transportName() {
        return transport.kind().wireName;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public void setListener(SessionListener listener) {
        this.listener = listener == null ? SessionListener.NONE : listener;
    }

    /** Sends the OPEN packet and starts the heartbeat. */
    void open() {
        String[] upgrades = options.upgradesFrom(transport.kind());
        StringBuilder json = new StringBuilder(128).append("{\"sid\":\"").append(id).append("\",\"upgrades\":[");
        for (int i = 0; i < upgrades.length; i++) {
            json.append(i == 0 ? "\"" : ",\"").append(upgrades[i]).append('"');
        }
        json.append("],\"pingInterval\":").append(options.pingInterval())
                .append(",\"pingTimeout\":").append(options.pingTimeout())
                .append(",\"maxPayload\":").append(options.maxHttpBufferSize()).append('}');
        enqueue(OutboundPacket.of(PacketType.OPEN, json.toString()));
        if (eio3) {
            resetEio3PingTimeout();
        } else {
            schedulePing();
        }
        options.observer().sessionOpened(this);
        log.debug("session {} opened over {} from {}", id, transportName(), request.remoteAddress());
    }

    /** Queues one packet; safe from any thread. Ignored once the session is closing. */
    public void send(OutboundPacket packet) {
        if (loop.inLoop()) {
            enqueue(packet);
        } else {
            loop.execute(() -> enqueue(packet));
        }
    }

    /** Queues packets that must stay together (a Socket.IO packet and its binary attachments). */
    public void send(List<OutboundPacket> packets) {
        if (loop.inLoop()) {
            enqueueAll(packets);
        } else {
            loop.execute(() -> enqueueAll(packets));
        }
    }

    /** Whether the client is keeping up; a volatile packet is dropped for a session that is not. */
    public boolean canTakeMore() {
        return state == State.OPEN && transport.canTakeMore();
    }

    /** Closes the session from the server side, after the packets already queued ("forced close"). */
    public void close() {
        if (loop.inLoop()) {
            startClose();
        } else {
            loop.execute(this::startClose);
        }
    }

    /**
     * Closes at once ("forced close"), on the loop: what is queued goes out if the transport can take it now, but a
     * polling session does not wait for its next GET. For the server stopping, as the reference's close(discard).
     */
    void closeNow() {
        startClose();
        onClose("forced close", null);
    }

    /** Closes the session at once for a transport-level violation ("transport error"); safe from any thread. */
    public void closeForError(String description) {
        loop.execute(() -> onClose("transport error", description));
    }

    private void enqueue(OutboundPacket packet) {
        if (state != State.OPEN) {
            return;
        }
        if (canSendDirectly()) {
            transport.send(List.of(packet));
        } else {
            buffer().add(packet);
            bufferedBytes += packet.pollingForm().length();
            flush();
        }
        checkBacklog();
    }

    private void enqueueAll(List<OutboundPacket> packets) {
        if (state != State.OPEN) {
            return;
        }
        if (canSendDirectly()) {
            transport.send(packets);
        } else {
            buffer().addAll(packets);
            for (OutboundPacket packet : packets) {
                bufferedBytes += packet.pollingForm().length();
            }
            flush();
        }
        checkBacklog();
    }

    /** A client that does not read cannot make the server hold its output without bound. */
    private void checkBacklog() {
        if (state != State.OPEN || bufferedBytes + transport.pendingBytes() <= options.maxBufferedBytes()) {
            return;
        }
        // websocket writes wait for the end of the loop's turn to be flushed: after a stall the loop sends what queued
        // up meanwhile in one turn, past the limit before any of it was offered to a peer that reads everything
        transport.flush();
        if (state == State.OPEN && bufferedBytes + transport.pendingBytes() > options.maxBufferedBytes()) {
            options.observer().slowConsumer(this);
            transport.abort();
            onClose("transport error", "slow consumer");
        }
    }

    /** Nothing waits before these packets and the transport takes them now: skip the queue (the broadcast path). */
    private boolean canSendDirectly() {
        return (writeBuffer == null || writeBuffer.isEmpty()) && transport.writable();
    }

    private ArrayDeque<OutboundPacket> buffer() {
        if (writeBuffer == null) {
            writeBuffer = new ArrayDeque<>(4);
        }
        return writeBuffer;
    }

    private void flush() {
        if (state == State.CLOSED || writeBuffer == null || writeBuffer.isEmpty() || !transport.writable()) {
            return;
        }
        List<OutboundPacket> batch = new ArrayList<>(writeBuffer);
        writeBuffer.clear();
        bufferedBytes = 0;
        transport.send(batch);
    }

    private void startClose() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        // a probe under way is kept: the client may already have paused polling, and then only the websocket can
        // carry what is queued and the close (the upgrade finishes the close; the session's end closes the probe)
        // a polling client may need one GET for what is queued and another for the CLOSE packet; not forever
        closeTimeoutTask = loop.schedule(() -> onClose("forced close", null), POLLING_CLOSE_TIMEOUT);
        continueClose();
    }

    /**
     * Delivers what is queued, then the close. Over polling the CLOSE packet goes alone, on the next GET, as with
     * the reference server: clients act on a CLOSE before the other packets of the same payload.
     */
    private void continueClose() {
        if (!transport.writable()) {
            return;
        }
        if (transport.kind() == EngineOptions.Transport.POLLING && writeBuffer != null && !writeBuffer.isEmpty()) {
            flush();
            return;
        }
        finishClose();
    }

    /** Closes the transport after what is still queued (websocket) or with nothing left queued (polling). */
    private void finishClose() {
        List<OutboundPacket> last = writeBuffer == null ? List.of() : new ArrayList<>(writeBuffer);
        onClose("forced close", null, last);
    }

    // ---- transport callbacks ----

    /** A polling GET or POST for this session; refused once the session has moved to websocket. */
    void onPollingRequest(String postBody, PollExchange exchange) {
        if (upgradeTarget != null || upgraded) {
            // the websocket is another connection, which another loop may not have read yet: an UPGRADE the
            // client sent before this request must count first, so this waits for reads in flight; and after the
            // upgrade the refusal waits for what that loop still has to write (the probe's answer) to go first
            loop.afterReadsInFlight(() -> inbound(() -> onPollingRequestNow(postBody, exchange)));
        } else {
            onPollingRequestNow(postBody, exchange);
        }
    }

    private void onPollingRequestNow(String postBody, PollExchange exchange) {
        if (!(transport instanceof PollingTransport polling) || state == State.CLOSED) {
            exchange.respondError(EngineError.BAD_REQUEST);
        } else if (postBody == null) {
            polling.onPollRequest(exchange);
            if (closeAwaitingGet != null) {
                // the GET sent with the CLOSE is here: it is answered (NOOP) and the session ends now
                Runnable close = closeAwaitingGet;
                closeAwaitingGet = null;
                cancel(closeAwaitingGetTimer);
                close.run();
            }
        } else {
            polling.onDataRequest(postBody, exchange);
        }
    }

    /** A polling GET arrived (or a websocket became writable again): deliver what is waiting. */
    void onTransportReady(Transport from) {
        if (from != transport) {
            return;
        }
        if (state == State.CLOSING) {
            continueClose();
        } else {
            flush();
        }
    }

    void onPacket(Transport from, Packet packet) {
        if (from == upgradeTarget) {
            onUpgradePacket(packet);
            return;
        }
        if (from != transport || state != State.OPEN || closingByClient) {
            return;
        }
        // only the session's own transport: a probe is no sign that the polling side still answers
        lastPacketAt = loop.nowMillis();
        switch (packet.type()) {
            case PONG -> {
                if (eio3) {
                    onClose("transport error", "invalid heartbeat direction");
                } else {
                    onPong();
                }
            }
            case MESSAGE -> {
                if (packet.isBinary()) {
                    listener.onBinary(packet.binary());
                } else {
                    listener.onMessage(packet.text());
                }
            }
            case CLOSE -> {
                if (transport.kind() == EngineOptions.Transport.POLLING) {
                    // a client may send its GET and the POST closing the session at once, on two connections that
                    // other loops read: that GET was sent first and is answered (NOOP) before the session ends, as
                    // a server reading every connection on one thread would
                    closingByClient = true;
                    Runnable close = () -> loop.afterReadsInFlight(() -> inbound(() -> onClientClose(from)));
                    if (transport.writable() || transport instanceof PollingTransport polling && polling.polled()) {
                        close.run();   // its GET is here already, or it polled before: no GET can be on its way
                    } else {
                        // a CLOSE sent with the session's first GET: the reads in flight are not all there is, on a
                        // busy machine the kernel may tell the GET's loop of its bytes later than the POST's; a GET
                        // that comes within the grace is answered
                        closeAwaitingGet = close;
                        closeAwaitingGetTimer = loop.schedule(() -> {
                            closeAwaitingGet = null;
                            close.run();
                        }, CLIENT_CLOSE_GRACE_MILLIS);
                    }
                } else {
                    onClientClose(from);
                }
            }
            // in protocol v4 the server pings, never the client; in v3 the client pings and the server answers
            case PING -> {
                if (eio3) {
                    onEio3Ping();
                } else {
                    onClose("transport error", "invalid heartbeat direction");
                }
            }
            default -> {
                // OPEN, UPGRADE and NOOP mean nothing from a client on an established transport
            }
        }
    }

    private void onClientClose(Transport from) {
        if (from == transport && state != State.CLOSED) {
            transport.discard();
            onClose("transport close", null);
        }
    }

    void onParseError(Transport from, String description) {
        if (from == transport) {
            onClose("parse error", description);
        } else if (from == upgradeTarget) {
            abandonUpgrade();
        }
    }

    void onTransportError(Transport from, String description) {
        if (from == transport) {
            onClose("transport error", description);
        } else if (from == upgradeTarget) {
            abandonUpgrade();
        }
    }

    void onTransportClose(Transport from) {
        if (from == transport) {
            onClose("transport close", null);
        } else if (from == upgradeTarget) {
            cancelUpgrade();
        }
    }

    // ---- heartbeat ----

    private void schedulePing() {
        loop.pings().add(this, loop.nowMillis() + options.pingInterval());
    }

    /** The loop's {@link PingQueue}: this session's ping is due. */
    void pingDue() {
        if (state != State.OPEN) {
            return;
        }
        enqueue(OutboundPacket.PING);
        pingTimeoutTask = loop.schedule(this::onPingTimeout, options.pingTimeout());
    }

    /**
     * No pong within pingTimeout: the end, unless the client sent something else meanwhile. Then, as engine.io 6.6
     * does, the wait runs on to pingTimeout after that packet: a pong may be queued behind the client's own uploads.
     */
    private void onPingTimeout() {
        long extendedTo = lastPacketAt + options.pingTimeout();
        long now = loop.nowMillis();
        if (state == State.OPEN && extendedTo > now) {
            pingTimeoutTask = loop.schedule(this::onPingTimeout, extendedTo - now);
        } else {
            onClose("ping timeout", null);
        }
    }

    private void onPong() {
        cancel(pingTimeoutTask);
        pingTimeoutTask = null;
        schedulePing();
    }

    /** v3: the client's ping keeps the session for pingInterval + pingTimeout more, as the reference does. */
    private void onEio3Ping() {
        resetEio3PingTimeout();
        enqueue(OutboundPacket.PONG);
    }

    private void resetEio3PingTimeout() {
        cancel(pingTimeoutTask);
        pingTimeoutTask = loop.schedule(() -> onClose("ping timeout", null),
                options.pingInterval() + options.pingTimeout());
    }

    // ---- upgrade ----

    /**
     * A websocket arrived for this polling session. Refused (the caller closes it) when an upgrade is already under
     * way, done, or the session is not open.
     */
    boolean tryUpgrade(Transport target) {
        if (state != State.OPEN || upgraded || upgradeTarget != null
                || transport.kind() != EngineOptions.Transport.POLLING) {
            return false;
        }
        upgradeTarget = target;
        upgradeTimeoutTask = loop.schedule(this::abandonUpgrade, options.upgradeTimeout());
        return true;
    }

    private void onUpgradePacket(Packet packet) {
        if (packet.type() == PacketType.PING && "probe".equals(packet.text())) {
            upgradeTarget.send(List.of(OutboundPacket.PROBE_PONG));
            // before the UPGRADE that may follow in the same read: a polling request answered after the upgrade
            // must not reach the client ahead of the probe's answer
            upgradeTarget.flush();
            releasePendingPoll();
        } else if (packet.type() == PacketType.UPGRADE && state != State.CLOSED) {
            Transport previous = transport;
            Transport next = upgradeTarget;
            clearUpgradeTimers();
            upgradeTarget = null;
            upgraded = true;
            transport = next;
            previous.discard();
            log.debug("session {} upgraded to {}", id, transportName());
            options.observer().upgraded(this);
            if (state == State.CLOSING) {
                cancel(closeTimeoutTask);
                finishClose();
            } else {
                flush();
            }
        } else {
            abandonUpgrade();
        }
    }

    /** Answers a waiting GET with a NOOP so the client can pause polling quickly; repeated while probing. */
    private void releasePendingPoll() {
        upgradeNoopTask = null;
        if (upgradeTarget == null) {
            return;
        }
        if (transport.kind() == EngineOptions.Transport.POLLING && transport.writable()) {
            transport.send(List.of(OutboundPacket.NOOP));
        }
        upgradeNoopTask = loop.schedule(this::releasePendingPoll, UPGRADE_NOOP_INTERVAL);
    }

    private void abandonUpgrade() {
        Transport target = upgradeTarget;
        cancelUpgrade();
        if (target != null) {
            target.close(List.of());
        }
    }

    private void cancelUpgrade() {
        clearUpgradeTimers();
        Transport target = upgradeTarget;
        upgradeTarget = null;
        if (target != null && state == State.CLOSED) {
            target.close(List.of());
        }
    }

    private void clearUpgradeTimers() {
        cancel(upgradeTimeoutTask);
        cancel(upgradeNoopTask);
        upgradeTimeoutTask = null;
        upgradeNoopTask = null;
    }

    // ---- close ----

    private void onClose(String reason, String description) {
        onClose(reason, description, List.of());
    }

    private void onClose(String reason, String description, List<OutboundPacket> lastPackets) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        loop.pings().remove(this);
        cancel(pingTimeoutTask);
        cancel(closeTimeoutTask);
        cancel(closeAwaitingGetTimer);
        closeAwaitingGet = null;
        Transport target = upgradeTarget;
        cancelUpgrade();
        if (target != null) {
            target.close(List.of());
        }
        writeBuffer = null;
        bufferedBytes = 0;
        transport.close(lastPackets);
        log.debug("session {} closed: {}{}", id, reason, description == null ? "" : " (" + description + ")");
        onClosed.accept(this);
        options.observer().sessionClosed(this, reason);
        listener.onClose(reason, description);
    }

    private static void cancel(Runnable cancellation) {
        if (cancellation != null) {
            cancellation.run();
        }
    }
}
