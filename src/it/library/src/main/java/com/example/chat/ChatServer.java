package com.example.chat;

import io.switchboard.core.ConnectError;
import io.switchboard.core.Server;
import io.switchboard.core.ServerOptions;

public final class ChatServer {
    /** A chat lobby on "/", and an "/admin" namespace that wants a key in the handshake's auth. */
    public static Server create() {
        Server server = new Server(new ServerOptions());
        server.onConnection(socket -> {
            socket.join("lobby");
            socket.on("chat", event -> {
                socket.to("lobby").emit("chat", event.arg(0));   // everyone in the lobby but the sender
                event.ack("received");                           // answers the client's ack callback
            });
            socket.onDisconnect(reason -> System.out.println(socket.id() + " left: " + reason));
        });
        server.of("/admin").use((socket, next) ->
                next.accept("secret".equals(socket.handshake().auth().path("key").asText())
                        ? null : new ConnectError("unauthorized")));
        return server;
    }

    public static void main(String[] args) throws InterruptedException {
        create().start("0.0.0.0", 3000);   // returns once listening; Netty's threads keep the JVM running
    }
}
