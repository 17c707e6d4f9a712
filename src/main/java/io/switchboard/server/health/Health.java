package io.switchboard.server.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness of the packaged server. Ready means: listening, not draining, and every registered check
 * (Redis reachable, when Redis is the adapter) passing. Thread-safe.
 */
public final class Health {
    private volatile boolean listening;
    private volatile boolean draining;
    private final Map<String, Check> checks = new LinkedHashMap<>();

    private record Check(BooleanSupplier passing, String failure) {
    }

    /** The outcome of a readiness check: the reasons it failed, none when ready. */
    public record Readiness(boolean ready, List<String> reasons) {
    }

    /** Adds a readiness check; {@code failure} is the reason given while it does not pass. */
    public synchronized Health check(String name, BooleanSupplier passing, String failure) {
        checks.put(name, new Check(passing, failure));
        return this;
    }

    public void listening(boolean value) {
        listening = value;
    }

    /** While draining the server reports not ready, so that load balancers stop sending it new clients. */
    public void draining(boolean value) {
        draining = value;
    }

    public boolean draining() {
        return draining;
    }

    public synchronized Readiness readiness() {
        List<String> reasons = new ArrayList<>();
        if (!listening) {
            reasons.add("not listening");
        }
        if (draining) {
            reasons.add("draining");
        }
        checks.forEach((name, check) -> {
            boolean ok;
            try {
                ok = check.passing().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                reasons.add(check.failure());
            }
        });
        return new Readiness(reasons.isEmpty(), List.copyOf(reasons));
    }
}
