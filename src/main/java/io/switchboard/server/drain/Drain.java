package io.switchboard.server.drain;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.switchboard.core.Namespace;
import io.switchboard.core.Server;
import io.switchboard.engine.AllowRequest;
import io.switchboard.engine.HandshakeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful drain of one node. {@link #drain} turns {@link #isDraining()} on at once (readiness 503, new handshakes
 * refused through {@link #gate}), tells every local socket {@code server-shutdown} {message, reconnect: true}, leaves
 * in-flight acks the grace period, then runs the closing step (the server's close: local sockets disconnected with
 * "server shutting down", sessions kept for recovery, adapters and Redis closed). Never acts across the cluster.
 */
public final class Drain {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    /** The event local sockets get when the drain starts. */
    public static final String EVENT = "server-shutdown";
    public static final String MESSAGE = "server shutting down";
    /** The refusal of a handshake while draining (HTTP 403). */
    public static final String REFUSAL = "Server is shutting down";

    private final AtomicBoolean draining = new AtomicBoolean();
    private final long graceMillis;
    private final long deadlineMillis;

    public Drain(long graceMillis, long deadlineMillis) {
        this.graceMillis = graceMillis;
        this.deadlineMillis = deadlineMillis;
    }

    /** True from the moment the drain starts; /readyz answers 503 while it is. */
    public boolean isDraining() {
        return draining.get();
    }

    public long graceMillis() {
        return graceMillis;
    }

    public long deadlineMillis() {
        return deadlineMillis;
    }

    /** Refuses every handshake while draining, else asks {@code next} (null: allows). */
    public AllowRequest gate(AllowRequest next) {
        CompletableFuture<String> refused = CompletableFuture.completedFuture(REFUSAL);
        CompletableFuture<String> allowed = CompletableFuture.completedFuture(null);
        return (HandshakeRequest request) -> {
            if (draining.get()) {
                return refused;
            }
            return next == null ? allowed : next.check(request);
        };
    }

    /**
     * Drains and runs {@code close}; blocks the calling thread (not an event loop) for at most the grace period
     * plus what {@code close} takes. Only the first call drains; later ones return at once.
     *
     * @param onDraining called as soon as the flag is set (e.g. to mark the health checks)
     */
    public void drain(Server server, Runnable onDraining, Runnable close) {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        if (onDraining != null) {
            onDraining.run();
        }
        int local = 0;
        for (Namespace namespace : server.namespaces().values()) {
            local += namespace.localSockets().size();
            namespace.local().emit(EVENT, Map.of("message", MESSAGE, "reconnect", true));
        }
        log.info("draining: {} local socket(s) told {}; disconnecting them in {} ms", local, EVENT, graceMillis);
        if (local > 0 && graceMillis > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(graceMillis);   // the grace period itself, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close.run();
    }

    /**
     * Starts a daemon thread that halts the process with {@code status} once the deadline has passed, whatever still
     * hangs (shutdown hooks included).
     */
    public Thread startWatchdog(int status) {
        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(deadlineMillis);
            } catch (InterruptedException e) {
                return;
            }
            log.warn("drain deadline of {} ms passed: halting", deadlineMillis);
            Runtime.getRuntime().halt(status);
        }, "switchboard-drain-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }
}
