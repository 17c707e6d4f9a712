package io.switchboard.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 request on its own plain socket, closed after the response: no client library in between. */
final class PlainHttp {
    private PlainHttp() {
    }

    record Response(int status, String body) {
    }

    static Response get(int port, String pathAndQuery) throws IOException {
        return exchange(port, "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    static Response exchange(int port, String request) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = RawWebSocket.readHead(in);
            String body = new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
            return new Response(Integer.parseInt(head.substring(9, 12)), body);
        }
    }

    /** The Content-Length of a response head, 0 without one. */
    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return 0;
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }
}
