package io.switchboard.server.api;

import java.util.List;
import java.util.Map;

/** An HTTP request to the API, as plain data: header names in lower case. */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                         String body) {
    public String header(String name) {
        return headers.get(name);
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
