package io.switchboard.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the handler errors the core reports, by kind, as the packaged server's metrics would. */
final class CountingObserver implements ServerObserver {
    private final Map<HandlerKind, AtomicLong> errors = new EnumMap<>(HandlerKind.class);

    CountingObserver() {
        for (HandlerKind kind : HandlerKind.values()) {
            errors.put(kind, new AtomicLong());
        }
    }

    @Override
    public void handlerError(HandlerKind kind) {
        errors.get(kind).incrementAndGet();
    }

    long errors(HandlerKind kind) {
        return errors.get(kind).get();
    }
}
