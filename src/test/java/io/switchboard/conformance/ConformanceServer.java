package io.switchboard.conformance;

import java.net.InetSocketAddress;

import java.util.function.Consumer;

import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;
import io.switchboard.core.Socket;
import io.switchboard.engine.CorsOptions;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.EngineSession;
import io.switchboard.engine.OutboundPacket;
import io.switchboard.engine.SessionListener;

/**
 * The servers the official engine.io-protocol and socket.io-protocol test suites run against:
 * {@code ConformanceServer engine|socketio [port]}, in the foreground until killed.
 */
public final class ConformanceServer {
    private ConformanceServer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "engine";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        InetSocketAddress address = switch (mode) {
            case "engine" -> startEngine(port);
            case "socketio" -> startSocketIo(port);
            default -> throw new IllegalArgumentException("mode must be engine or socketio, was " + mode);
        };
        System.out.println("conformance server (" + mode + ") listening on " + address.getHostString() + ":"
                + address.getPort());
        Thread.currentThread().join();
    }

    /** With CONFORMANCE_ALLOW_EIO3=1 the server also serves Engine.IO 3 clients, so the suites can show both ways. */
    private static EngineOptions suiteOptions(String path) {
        return new EngineOptions().path(path).pingInterval(300).pingTimeout(200).maxHttpBufferSize(1_000_000)
                .cors(CorsOptions.anyOrigin(true))
                .allowEIO3("1".equals(System.getenv("CONFORMANCE_ALLOW_EIO3")));
    }

    /** A bare Engine.IO echo server: every message goes back as it came. */
    static InetSocketAddress startEngine(int port) throws InterruptedException {
        EngineServer server = new EngineServer(suiteOptions("/engine.io/"), ConformanceServer::echo);
        return server.start("0.0.0.0", port);
    }

    /** The server of the socket.io-protocol suite. */
    static InetSocketAddress startSocketIo(int port) throws InterruptedException {
        Server server = new Server(new ServerOptions().engine(suiteOptions("/socket.io/")).connectTimeout(1000));
        Consumer<Socket> onConnection = socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("message", event -> socket.emit("message-back", event.argsArray()));
            socket.on("message-with-ack", event -> event.ackWith(event.args()));
        };
        server.onConnection(onConnection);
        server.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
        return server.start("0.0.0.0", port);
    }

    private static void echo(EngineSession session) {
        session.setListener(new SessionListener() {
            @Override
            public void onMessage(String text) {
                session.send(OutboundPacket.message(text));
            }

            @Override
            public void onBinary(byte[] data) {
                session.send(OutboundPacket.binary(data));
            }

            @Override
            public void onClose(String reason, String description) {
            }
        });
    }
}
