package io.switchboard.engine;

import java.util.List;
import java.util.Set;

/**
 * Cross-origin policy for the HTTP transport, with the meaning of the {@code cors} package the reference server uses:
 * {@code origins} null means no CORS headers at all, a set containing "*" allows any origin (reflected, so it works
 * with credentials).
 */
public record CorsOptions(Set<String> origins, boolean credentials, List<String> methods, List<String> allowedHeaders,
                          long maxAgeSeconds) {

    public static final CorsOptions DISABLED = new CorsOptions(null, false, List.of(), List.of(), -1);

    public static CorsOptions anyOrigin(boolean credentials) {
        return new CorsOptions(Set.of("*"), credentials, List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"),
                List.of(), -1);
    }

    public static CorsOptions origins(Set<String> origins, boolean credentials) {
        return new CorsOptions(Set.copyOf(origins), credentials,
                List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"), List.of(), -1);
    }

    public boolean enabled() {
        return origins != null;
    }

    public boolean allows(String origin) {
        return origins != null && origin != null && (origins.contains("*") || origins.contains(origin));
    }
}
