package io.switchboard.hardening;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import io.switchboard.testsupport.ClientFrames;

/**
 * A websocket client on a plain blocking socket, with nothing between the test and the TCP connection: it reads only
 * when told to, so a test can make it stop reading and let the server's output pile up in its receive window.
 */
final class RawWebSocket implements AutoCloseable {
    private static final int OPCODE_TEXT = 1;
    private static final int OPCODE_CLOSE = 8;

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the websocket upgrade of an Engine.IO websocket-only session. A receive buffer of a few
     * KiB makes a client that stops reading stop taking bytes soon.
     */
    static RawWebSocket open(int port, int receiveBufferBytes) throws IOException {
        return open(port, "EIO=4&transport=websocket", receiveBufferBytes);
    }

    /** The same with the given query, e.g. the sid of a polling session to upgrade. */
    static RawWebSocket open(int port, String query, int receiveBufferBytes) throws IOException {
        return open(port, query, receiveBufferBytes, null);
    }

    /** The same from a local address of the test's choosing (another loopback address is another client address). */
    static RawWebSocket open(int port, String query, int receiveBufferBytes, java.net.InetAddress local)
            throws IOException {
        Socket socket = new Socket();
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        RawWebSocket ws = new RawWebSocket(socket);
        try {
            ws.upgrade(port, query);
        } catch (IOException e) {
            ws.close();
            throw e;
        }
        return ws;
    }

    private void upgrade(int port, String query) throws IOException {
        String request = "GET /socket.io/?" + query + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("websocket upgrade refused: " + head);
        }
    }

    /** The response head, up to and including the blank line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the HTTP response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The next text message; null when the server sent a close frame. Server frames are never masked. */
    String readText() throws IOException {
        while (true) {
            int first = readByte();
            int second = readByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = (readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("connection closed inside a frame");
            }
            int opcode = first & 0x0f;
            if (opcode == OPCODE_CLOSE) {
                return null;
            }
            if (opcode == OPCODE_TEXT) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** The next text message that is not a ping; pings are answered, as a client must. */
    String nextAnsweringPings() throws IOException {
        String message = readText();
        while ("2".equals(message)) {
            sendText("3");
            message = readText();
        }
        return message;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** Sends a text message in one masked frame, as clients must. */
    void sendText(String text) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        out.write(ClientFrames.masked(0x80 | OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8), mask));
        out.flush();
    }

    /** Whether the server has closed the connection: a read sees the end of the stream or a reset. */
    boolean serverHasClosed() {
        try {
            socket.setSoTimeout(200);
            byte[] sink = new byte[64 * 1024];
            while (true) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
