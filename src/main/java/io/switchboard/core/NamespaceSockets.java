package io.switchboard.core;

import java.util.Arrays;
import java.util.List;

/**
 * A client's sockets, one per namespace, in a plain array: nearly every client has one or two, and a hash map for
 * them (map, table, nodes) would cost three times the bytes of every idle connection. Confined to the client's loop.
 */
final class NamespaceSockets {
    private static final Socket[] NONE = new Socket[0];

    private Socket[] sockets = NONE;

    Socket get(String namespace) {
        for (Socket socket : sockets) {
            if (socket.namespace().name().equals(namespace)) {
                return socket;
            }
        }
        return null;
    }

    /** Adds the socket, in place of any other of its namespace. */
    void put(Socket socket) {
        String name = socket.namespace().name();
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i].namespace().name().equals(name)) {
                sockets[i] = socket;
                return;
            }
        }
        sockets = Arrays.copyOf(sockets, sockets.length + 1);
        sockets[sockets.length - 1] = socket;
    }

    /** Removes this very socket; another of its namespace stays. */
    void remove(Socket socket) {
        for (int i = 0; i < sockets.length; i++) {
            if (sockets[i] == socket) {
                Socket[] next = new Socket[sockets.length - 1];
                System.arraycopy(sockets, 0, next, 0, i);
                System.arraycopy(sockets, i + 1, next, i, sockets.length - i - 1);
                sockets = next.length == 0 ? NONE : next;
                return;
            }
        }
    }

    int size() {
        return sockets.length;
    }

    boolean isEmpty() {
        return sockets.length == 0;
    }

    /** A copy: what a caller does with each socket may remove it from here. */
    List<Socket> snapshot() {
        return List.of(sockets);
    }

    void clear() {
        sockets = NONE;
    }
}
