package io.switchboard.server.adminui;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.BroadcastOperator;
import io.switchboard.core.Event;
import io.switchboard.core.Namespace;
import io.switchboard.core.Server;
import io.switchboard.core.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UI's commands, each on every node through the adapter as the reference's v4 branch does:
 * {@code emit (nsp, filter, event, ...args)}, {@code join (nsp, room, filter)}, {@code leave (nsp, room, filter)} and
 * {@code _disconnect (nsp, close, filter)}, where a filter (a room, or a socket id) narrows the sockets and none
 * means the whole namespace. A namespace this node does not know is one no socket of the cluster can be in on it:
 * the command is dropped (creating it, as the reference does, would let the UI create namespaces at will).
 */
final class AdminUiCommands {
    /** What the UI may do, in {@code config.supportedFeatures}; the M variants are the v4 (filtered, cluster) ones. */
    static final List<String> FEATURES = List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE",
            "MDISCONNECT");
    private static final Logger log = LoggerFactory.getLogger(AdminUiCommands.class);

    private final Server server;

    AdminUiCommands(Server server) {
        this.server = server;
    }

    void register(Socket socket) {
        socket.on("emit", event -> run(event, "emit", target -> {
            String name = text(event.arg(2));
            if (name == null) {
                return;
            }
            List<Object> args = new ArrayList<>();
            for (int i = 3; i < event.args().size(); i++) {
                args.add(event.args().get(i));
            }
            target.emit(name, args.toArray());
        }, 1));
        socket.on("join", event -> {
            String room = text(event.arg(1));
            if (room != null) {
                run(event, "join " + room, target -> target.socketsJoin(room), 2);
            }
        });
        socket.on("leave", event -> {
            String room = text(event.arg(1));
            if (room != null) {
                run(event, "leave " + room, target -> target.socketsLeave(room), 2);
            }
        });
        socket.on("_disconnect", event -> {
            boolean close = event.arg(1) != null && event.arg(1).asBoolean(false);
            run(event, "disconnect", target -> target.disconnectSockets(close), 2);
        });
    }

    /** Runs the command on the namespace (argument 0), narrowed by the filter at {@code filterAt} when there is one. */
    private void run(Event event, String what, java.util.function.Consumer<BroadcastOperator> command, int filterAt) {
        String nsp = text(event.arg(0));
        Namespace namespace = nsp == null ? null : server.namespaces().get(nsp);
        if (namespace == null) {
            log.debug("admin UI: {} on unknown namespace {} dropped", what, nsp);
            return;
        }
        String filter = text(event.arg(filterAt));
        BroadcastOperator target = filter == null || filter.isEmpty() ? namespace.in() : namespace.in(filter);
        log.info("admin UI: {} on {}{}", what, nsp, filter == null || filter.isEmpty() ? "" : " in " + filter);
        try {
            command.accept(target);
        } catch (RuntimeException e) {
            log.info("admin UI: {} refused: {}", what, e.getMessage());
        }
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }
}
