package io.switchboard.server.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

/** What the HTTP API does to the sockets of the cluster; {@link ServerApiBackend} over a Switchboard server. */
public interface ApiBackend {
    /** Whether clients may be in that namespace (it exists, or a dynamic namespace family takes that name). */
    boolean namespaceExists(String namespace);

    /** Emits to the sockets in any of {@code rooms} (all when empty) but those in {@code except}, cluster-wide. */
    void emit(String namespace, Set<String> rooms, Set<String> except, String event, List<JsonNode> args);

    /** Disconnects the sockets in any of the rooms, cluster-wide; {@code close} closes their whole connection. */
    void disconnect(String namespace, Set<String> rooms, boolean close);

    /** The sockets in any of {@code rooms} (all when empty), cluster-wide. */
    CompletableFuture<List<SocketView>> sockets(String namespace, Set<String> rooms);

    /** What the API shows of a socket. */
    record SocketView(String id, Set<String> rooms, Map<String, Object> data, String address) {
    }
}
