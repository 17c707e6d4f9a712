package io.switchboard.core;

import io.switchboard.engine.EngineOptions;
import io.switchboard.protocol.DecoderLimits;

/** Socket.IO server options with the reference names and defaults, plus the Engine.IO ones beneath. */
public final class ServerOptions {
    private EngineOptions engine = new EngineOptions();
    private long connectTimeout = 45_000;
    private DecoderLimits decoderLimits = DecoderLimits.DEFAULTS;
    private AdapterFactory adapter = InMemoryAdapter::new;
    private RecoveryOptions connectionStateRecovery;
    private ServerObserver observer = ServerObserver.NONE;
    private RecoveryStoreFactory recoveryStore = (namespace, recovery) ->
            new InMemoryRecoveryStore(recovery.maxDisconnectionDuration());

    /** Makes the recovery store of each namespace when recovery is on. */
    @FunctionalInterface
    public interface RecoveryStoreFactory {
        RecoveryStore create(Namespace namespace, RecoveryOptions recovery);
    }

    public EngineOptions engine() {
        return engine;
    }

    public ServerOptions engine(EngineOptions value) {
        this.engine = value;
        return this;
    }

    public long connectTimeout() {
        return connectTimeout;
    }

    /** How long a connection may stay without joining a namespace before it is closed. */
    public ServerOptions connectTimeout(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + millis);
        }
        this.connectTimeout = millis;
        return this;
    }

    public DecoderLimits decoderLimits() {
        return decoderLimits;
    }

    public ServerOptions decoderLimits(DecoderLimits value) {
        this.decoderLimits = value;
        return this;
    }

    public AdapterFactory adapter() {
        return adapter;
    }

    public ServerOptions adapter(AdapterFactory value) {
        this.adapter = value;
        return this;
    }

    public ServerObserver observer() {
        return observer;
    }

    public ServerOptions observer(ServerObserver value) {
        this.observer = value == null ? ServerObserver.NONE : value;
        return this;
    }

    /** Null when connection state recovery is off (the default). */
    public RecoveryOptions connectionStateRecovery() {
        return connectionStateRecovery;
    }

    public ServerOptions connectionStateRecovery(RecoveryOptions value) {
        this.connectionStateRecovery = value;
        return this;
    }

    public RecoveryStoreFactory recoveryStore() {
        return recoveryStore;
    }

    public ServerOptions recoveryStore(RecoveryStoreFactory value) {
        this.recoveryStore = value;
        return this;
    }
}
