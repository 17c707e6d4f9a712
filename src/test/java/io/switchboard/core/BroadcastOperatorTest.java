package io.switchboard.core;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every modifier of a BroadcastOperator returns a new operator and leaves the one it was called on as it was. */
class BroadcastOperatorTest {
    private Fixture fx;

    @BeforeEach
    void start() throws InterruptedException {
        fx = Fixture.start();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void modifiersLeaveTheOriginalUnchanged() {
        BroadcastOperator base = fx.server.to("a");

        BroadcastOperator derived = base.to("b").in("c").except("d").timeout(100).local().asVolatile()
                .compress(false);

        assertEquals(new BroadcastOptions(Set.of("a"), Set.of(), BroadcastFlags.DEFAULT), base.options());
        assertEquals(new BroadcastOptions(Set.of("a", "b", "c"), Set.of("d"),
                new BroadcastFlags(true, true, false, 100)), derived.options());
    }

    @Test
    void aSharedOperatorCanBeNarrowedDifferentlyMoreThanOnce() {
        BroadcastOperator base = fx.server.except("x");

        BroadcastOperator one = base.to("one");
        BroadcastOperator two = base.to("two");

        assertEquals(Set.of("one"), one.options().rooms());
        assertEquals(Set.of("two"), two.options().rooms());
        assertEquals(Set.of("x"), one.options().except());
        assertEquals(Set.of(), base.options().rooms());
    }

    /** p in a, q in b, r in a and c: each operator keeps selecting what it selected before derivations. */
    @Test
    void selectionsOfDerivedOperatorsDoNotLeakBack() {
        fx.server.onConnection(socket -> socket.join(socket.handshake().auth().path("rooms").asText().split(",")));
        Fixture.Client p = fx.connect("websocket", "/", Map.of("rooms", "a"));
        Fixture.Client q = fx.connect("websocket", "/", Map.of("rooms", "b"));
        Fixture.Client r = fx.connect("websocket", "/", Map.of("rooms", "a,c"));
        BroadcastOperator inA = fx.server.to("a");

        BroadcastOperator wider = inA.to("b").except("c");

        assertEquals(Set.of(p.id(), r.id()), ids(inA));
        assertEquals(Set.of(p.id(), q.id()), ids(wider));
        assertEquals(Set.of(p.id(), r.id()), ids(inA));
        wider.emit("wide");
        inA.emit("narrow");
        fx.server.emit("end");
        assertEquals(List.of("wide", "narrow", "end"), p.namesUntil("end"));
        assertEquals(List.of("wide", "end"), q.namesUntil("end"));
        assertEquals(List.of("narrow", "end"), r.namesUntil("end"));
    }

    @Test
    void socketBroadcastIsFreshEachTime() {
        Fixture.Client p = fx.connect("websocket");
        Fixture.Client q = fx.connect("websocket");
        Socket socketP = p.server();

        BroadcastOperator first = socketP.broadcast();
        first.except(q.id());

        assertEquals(Set.of(p.id()), first.options().except());
        assertEquals(Set.of(q.id()), ids(first));
        assertEquals(Set.of(q.id()), ids(socketP.broadcast()));
    }

    private static Set<String> ids(BroadcastOperator operator) {
        return await(operator.fetchSockets()).stream().map(RemoteSocket::id).collect(Collectors.toSet());
    }
}
