package io.switchboard.server.api;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An HTTP response of the API: a status, extra headers and a JSON body. */
public record ApiResponse(int status, Map<String, String> headers, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ApiResponse json(int status, Object value) {
        return json(status, value, Map.of());
    }

    public static ApiResponse json(int status, Object value, Map<String, String> headers) {
        try {
            return new ApiResponse(status, headers, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {"error": code, "message": message}. */
    public static ApiResponse error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    public static ApiResponse error(int status, String code, String message, Map<String, String> headers) {
        return json(status, Map.of("error", code, "message", message), headers);
    }
}
