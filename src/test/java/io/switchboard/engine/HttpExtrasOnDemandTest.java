package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The HTTP routes, the 404 and the response compressor join a connection only when it needs them (an idle poll or
 * websocket carries none), and still serve it as they did when every connection had them: a route after polling on
 * the same connection, the 404's JSON, gzip for a client whose first request accepts it.
 */
class HttpExtrasOnDemandTest {
    private static final String BIG = "x".repeat(4096);

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Answers GET /hello with a 4 KiB body; anything else goes on. */
    private static final class HelloRoute extends SimpleChannelInboundHandler<FullHttpRequest> {
        HelloRoute() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.uri().equals("/hello")) {
                ctx.fireChannelRead(req);
                return;
            }
            req.release();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(BIG, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }
    }

    private void startWithRoute() throws Exception {
        server = TestServer.start(TestServer.quietOptions());
        server.server.httpRoute(HelloRoute::new);
    }

    @Test
    void aConnectionThatPolledFirstStillReachesTheRoutesAndTheNotFound() throws Exception {
        startWithRoute();
        try (RawHttp http = new RawHttp(server.port)) {
            http.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response open = http.read();
            assertEquals(200, open.status());
            assertTrue(open.body().startsWith("0{"), open.body());

            http.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response hello = http.read();
            assertEquals(200, hello.status());
            assertEquals(BIG, hello.body());

            http.write("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response missing = http.read();
            assertEquals(404, missing.status());
            assertTrue(missing.body().contains("\"message\""), missing.body());

            // and the engine's path still works after the routes joined
            http.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(http.read().body().startsWith("0{"));
        }
    }

    @Test
    void aRouteIsCompressedForAClientThatAcceptsGzipAndNotForOneThatDoesNot() throws Exception {
        startWithRoute();
        HttpResponse<byte[]> gzipped = fresh().send(routeRequest().header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, gzipped.statusCode());
        assertEquals("gzip", gzipped.headers().firstValue("content-encoding").orElse(""));
        assertTrue(gzipped.body().length < BIG.length());
        assertEquals(BIG, gunzip(gzipped.body()));

        HttpResponse<byte[]> plain = fresh().send(routeRequest().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, plain.statusCode());
        assertFalse(plain.headers().firstValue("content-encoding").isPresent());
        assertEquals(BIG, new String(plain.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aBigPollIsCompressedForAClientThatAcceptsGzip() throws Exception {
        server = TestServer.start(TestServer.quietOptions());
        String sid = server.handshake().sid();
        EngineSession session = server.session(sid);
        TestServer.onLoop(session, () -> session.send(OutboundPacket.message(BIG)));
        HttpClient client = fresh();
        HttpResponse<byte[]> poll = client.send(HttpRequest.newBuilder(server.uri(TestServer.pollingQuery(sid)))
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(TestServer.TIMEOUT_SECONDS)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, poll.statusCode());
        assertEquals("gzip", poll.headers().firstValue("content-encoding").orElse(""));
        assertEquals("4" + BIG, gunzip(poll.body()));
    }

    private HttpRequest.Builder routeRequest() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/hello"))
                .timeout(Duration.ofSeconds(TestServer.TIMEOUT_SECONDS));
    }

    /** A client of its own: its first request opens a new connection, so it is that connection's first request. */
    private static HttpClient fresh() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(TestServer.TIMEOUT_SECONDS)).build();
    }

    private static String gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
