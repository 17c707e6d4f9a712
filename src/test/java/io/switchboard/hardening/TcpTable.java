package io.switchboard.hardening;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's view of TCP connections on this machine (Linux /proc/net/tcp and tcp6): which connections the server
 * still holds, whatever its own bookkeeping says.
 */
final class TcpTable {
    static final String ESTABLISHED = "01";
    static final String CLOSE_WAIT = "08";
    private static final String LISTEN = "0A";

    record Connection(int localPort, int remotePort, String state) {
    }

    private TcpTable() {
    }

    static List<Connection> read() throws IOException {
        List<Connection> connections = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                connections.add(new Connection(port(fields[1]), port(fields[2]), fields[3]));
            }
        }
        return connections;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /**
     * Connections the server on this port still has open: established ones, and ones the client closed that the
     * server has not (CLOSE_WAIT). Connections the server closed itself are not its channels any more.
     */
    static List<Connection> heldByServer(int serverPort) throws IOException {
        return read().stream()
                .filter(c -> c.localPort() == serverPort && !c.state().equals(LISTEN))
                .filter(c -> c.state().equals(ESTABLISHED) || c.state().equals(CLOSE_WAIT))
                .toList();
    }

    /** Whether the server side of the connection from this client port is still open. */
    static boolean serverHolds(int serverPort, int clientPort) throws IOException {
        return heldByServer(serverPort).stream().anyMatch(c -> c.remotePort() == clientPort);
    }
}
