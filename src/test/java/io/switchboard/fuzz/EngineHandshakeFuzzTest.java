package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.EmptyByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;

/**
 * An HTTP request to the Engine.IO path, through the server's real pipeline: the query string (EIO, transport,
 * sid, anything else), headers and, for a POST, a body. The input is {@code <path and query>} 0xFF
 * {@code <header lines>} [0xFF {@code <body>}]. Whatever it is, the client gets an HTTP response (an error is a
 * 4xx with the engine's JSON error), a refused request leaves no session behind, and the request's buffer is
 * released.
 */
class EngineHandshakeFuzzTest {
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3}) ");

    @FuzzTest
    void handshakeRequest(byte[] input) {
        List<byte[]> parts = Frames.split(input);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        boolean post = parts.size() > 2;
        request.writeBytes(((post ? "POST" : "GET") + " /socket.io/").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(withoutLineBreaks(parts.get(0)));
        request.writeBytes(" HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
        if (parts.size() > 1) {
            request.writeBytes(parts.get(1));
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] body = post ? parts.get(2) : new byte[0];
        request.writeBytes(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);

        EngineServer server = new EngineServer(new EngineOptions().perMessageDeflate(true), session -> {
        });
        EngineChannel channel = new EngineChannel(server);
        RequestSpy spy = new RequestSpy();
        channel.pipeline().addBefore("engine", "spy", spy);
        try {
            channel.receive(request.toByteArray());
            String written = new String(channel.drainWritten(), StandardCharsets.ISO_8859_1);
            boolean headersComplete = true;
            if (spy.request == null) {
                // the header block itself was unusable (e.g. a line Netty cannot parse): nothing was handled yet
                headersComplete = false;
            }
            if (headersComplete) {
                Matcher status = STATUS.matcher(written);
                assertTrue(status.find(), () -> "no HTTP response to a complete request; wrote: " + written);
                int code = Integer.parseInt(status.group(1));
                assertTrue(code < 500, () -> "server error for a client's request: " + written);
                if (code >= 400) {
                    assertEquals(0, server.sessionCount(), () -> "a refused request left a session: " + written);
                }
                // a request Netty could not parse carries the shared empty buffer, whose count never drops
                if (!(spy.request.content() instanceof EmptyByteBuf)) {
                    assertEquals(0, spy.request.refCnt(), "the request's buffer was not released");
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** The request line must stay one line: CR and LF would only make a different header block. */
    private static byte[] withoutLineBreaks(byte[] target) {
        byte[] copy = target.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == '\r' || copy[i] == '\n' || copy[i] == ' ') {
                copy[i] = '+';
            }
        }
        return copy;
    }

    /** Notes the aggregated request on its way to the engine handler, to check afterwards that it was released. */
    private static final class RequestSpy extends ChannelInboundHandlerAdapter {
        FullHttpRequest request;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest full) {
                request = full;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
