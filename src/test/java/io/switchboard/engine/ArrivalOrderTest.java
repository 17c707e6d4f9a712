package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests of one session sent at once on different connections, which different event loops read, are taken in
 * the order they were sent, as by a server that reads every connection on one thread (the official Engine.IO
 * suite's "forcefully closes the session").
 */
class ArrivalOrderTest {
    private static final int ROUNDS = 40;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.quietOptions().ioThreads(4));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aGetSentWithThePostThatClosesTheSessionIsAnsweredWithNoop() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String sid = server.handshake().sid();
            String query = "/socket.io/?" + TestServer.pollingQuery(sid);
            // both connected (and handed to their loops) before either request, so only the reads race
            try (RawHttp get = new RawHttp(server.port); RawHttp post = new RawHttp(server.port)) {
                get.write("GET " + query + " HTTP/1.1\r\nHost: x\r\n\r\n");
                post.write("POST " + query + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 1\r\n\r\n1");
                RawHttp.Response poll = get.read();
                RawHttp.Response close = post.read();
                if (poll.status() != 200 || !"6".equals(poll.body()) || close.status() != 200) {
                    failures.add("round " + round + ": GET " + poll.status() + " " + poll.body() + ", POST "
                            + close.status());
                }
            }
            assertEquals(400, server.poll(sid).statusCode(), "the session is closed after round " + round);
        }
        assertEquals(List.of(), failures);
    }
}
