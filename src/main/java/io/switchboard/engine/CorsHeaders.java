package io.switchboard.engine;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/** Adds the CORS headers a response needs under the configured policy, as the {@code cors} package would. */
final class CorsHeaders {
    private CorsHeaders() {
    }

    /** Headers for an ordinary response to a request with the given Origin (null when it had none). */
    static void apply(CorsOptions cors, String origin, HttpHeaders headers) {
        if (!cors.enabled()) {
            return;
        }
        if (cors.allows(origin)) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (cors.credentials()) {
                headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
        }
        headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }

    /** Headers for the answer to a preflight OPTIONS request. */
    static void applyPreflight(CorsOptions cors, String origin, String requestedHeaders, HttpHeaders headers) {
        apply(cors, origin, headers);
        if (!cors.allows(origin)) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(",", cors.methods()));
        if (!cors.allowedHeaders().isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(",", cors.allowedHeaders()));
        } else if (requestedHeaders != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders);
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        }
        if (cors.maxAgeSeconds() >= 0) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAgeSeconds()));
        }
    }
}
