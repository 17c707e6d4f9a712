package io.switchboard.core;

import java.util.Map;
import java.util.Set;

/** What {@code fetchSockets} learns of a socket, on this node or another: its id, handshake, rooms and data. */
public record SocketInfo(String id, Handshake handshake, Set<String> rooms, Map<String, Object> data) {
}
