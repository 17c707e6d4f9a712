package io.switchboard.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.BroadcastOperator;
import io.switchboard.core.Namespace;
import io.switchboard.core.RemoteSocket;
import io.switchboard.core.Server;

/** The API's operations on a server: broadcasts and fetches through the namespace's adapter, so cluster-wide. */
public final class ServerApiBackend implements ApiBackend {
    private final Server server;

    public ServerApiBackend(Server server) {
        this.server = server;
    }

    @Override
    public boolean namespaceExists(String namespace) {
        return server.namespaceFor(namespace) != null;
    }

    private BroadcastOperator select(String namespace, Set<String> rooms) {
        Namespace target = server.namespaceFor(namespace);
        if (target == null) {
            throw new IllegalArgumentException("unknown namespace " + namespace);
        }
        return target.to(rooms.toArray(String[]::new));
    }

    @Override
    public void emit(String namespace, Set<String> rooms, Set<String> except, String event, List<JsonNode> args) {
        select(namespace, rooms).except(except.toArray(String[]::new)).emit(event, args.toArray());
    }

    @Override
    public void disconnect(String namespace, Set<String> rooms, boolean close) {
        select(namespace, rooms).disconnectSockets(close);
    }

    @Override
    public CompletableFuture<List<SocketView>> sockets(String namespace, Set<String> rooms) {
        return select(namespace, rooms).fetchSockets().thenApply(found -> {
            List<SocketView> views = new ArrayList<>(found.size());
            for (RemoteSocket socket : found) {
                views.add(new SocketView(socket.id(), socket.rooms(), socket.data(),
                        socket.handshake() == null ? null : socket.handshake().address()));
            }
            return views;
        });
    }
}
