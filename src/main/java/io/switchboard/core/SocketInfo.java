package io.switchboard.core;

import java.util.Map;
import java.util.Set;

/**
 * What {@code fetchSockets} learns of a socket, on this node or another: its id, handshake, rooms and data. The data
 * is any JSON value as plain Java: an ordered {@code Map}, a {@code List}, a {@code String}, a number, a boolean or
 * null.
 */
public record SocketInfo(String id, Handshake handshake, Set<String> rooms, Object data) {
    /** The data as an object; empty when it is another value. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> dataObject() {
        return data instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
