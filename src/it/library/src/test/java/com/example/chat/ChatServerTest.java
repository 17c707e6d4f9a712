package com.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.core.Server;
import org.junit.jupiter.api.Test;

/** The README's library example, built against the installed artifact, serves the Java socket.io-client. */
class ChatServerTest {
    @Test
    void theReadmeExampleServesAChatWithAcks() throws Exception {
        Server server = ChatServer.create();
        Socket listener = null;
        Socket sender = null;
        try {
            InetSocketAddress address = server.start("127.0.0.1", 0);
            String url = "http://127.0.0.1:" + address.getPort();
            listener = connect(url);
            sender = connect(url);
            CompletableFuture<Object> heard = new CompletableFuture<>();
            listener.on("chat", args -> heard.complete(args[0]));
            CompletableFuture<Object> ack = new CompletableFuture<>();
            sender.emit("chat", new Object[] {"hello lobby"}, args -> ack.complete(args[0]));

            assertEquals("received", ack.get(10, TimeUnit.SECONDS));
            assertEquals("hello lobby", heard.get(10, TimeUnit.SECONDS));
        } finally {
            close(listener);
            close(sender);
            server.close();
        }
    }

    private static Socket connect(String url) throws Exception {
        IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"}).build();
        Socket socket = IO.socket(url, options);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
                new AssertionError("connect_error: " + args[0])));
        socket.connect();
        connected.get(10, TimeUnit.SECONDS);
        assertTrue(socket.connected());
        return socket;
    }

    private static void close(Socket socket) {
        if (socket != null) {
            socket.close();
        }
    }
}
