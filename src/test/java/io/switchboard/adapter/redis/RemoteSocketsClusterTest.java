package io.switchboard.adapter.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.switchboard.core.RemoteSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** fetchSockets, the operations on fetched sockets, socketsJoin/Leave, disconnectSockets and allRooms. */
class RemoteSocketsClusterTest extends ThreeNodeCluster {
    @BeforeEach
    void start() throws InterruptedException {
        startCluster(options -> { }, Map.of("token", "b-token"));
    }

    private RemoteSocket find(List<RemoteSocket> sockets, String id) {
        return sockets.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(
                () -> new AssertionError("socket " + id + " not fetched"));
    }

    @Test
    void fetchSocketsSeesIdRoomsDataAndHandshakeOfRemoteSockets() {
        var serverB = server(1).sockets().localSocket(b.id());
        serverB.join("blue");
        serverB.data().put("user", Map.of("name", "bee", "level", 3));
        List<RemoteSocket> all = TestClient.await(server(0).fetchSockets());
        assertEquals(Set.of(a.id(), b.id(), c.id()), Set.copyOf(all.stream().map(RemoteSocket::id).toList()));
        RemoteSocket remote = find(all, b.id());
        assertEquals(Set.of(b.id(), "blue"), remote.rooms());
        assertEquals(Map.of("name", "bee", "level", 3), remote.data().get("user"));
        assertEquals("b-token", remote.handshake().auth().path("token").asText());
        assertEquals("cluster", remote.handshake().queryParam("probe"));
        assertEquals("4", remote.handshake().queryParam("EIO"));
        assertNotNull(remote.handshake().header("host"));
        assertEquals("127.0.0.1", remote.handshake().address());
        assertTrue(remote.handshake().issued() > 0);
        assertTrue(remote.handshake().url().contains("EIO=4"));

        List<RemoteSocket> blue = TestClient.await(server(2).in("blue").fetchSockets());
        assertEquals(List.of(b.id()), blue.stream().map(RemoteSocket::id).toList());
        List<RemoteSocket> notBlue = TestClient.await(server(2).sockets().except("blue").fetchSockets());
        assertEquals(Set.of(a.id(), c.id()), Set.copyOf(notBlue.stream().map(RemoteSocket::id).toList()));
    }

    @Test
    void fetchedRemoteSocketsCanBeEmittedToJoinedLeftAndDisconnected() {
        RemoteSocket remoteC = find(TestClient.await(server(0).fetchSockets()), c.id());
        remoteC.emit("personal", "hi");
        assertEquals("hi", c.next("personal")[1]);

        remoteC.join("joined");
        ClusterFixture.eventually("c joined", () -> server(2).sockets().localSocket(c.id()).rooms()
                .contains("joined"));
        remoteC.leave("joined");
        ClusterFixture.eventually("c left", () -> !server(2).sockets().localSocket(c.id()).rooms()
                .contains("joined"));

        remoteC.disconnect(false);
        assertEquals("io server disconnect", c.next("disconnect")[1]);
    }

    @Test
    void socketsJoinAndLeaveApplyHereAtOnceAndOnEveryNode() {
        server(0).sockets().localSocket(a.id()).join("src");
        server(1).sockets().localSocket(b.id()).join("src");
        server(1).in("src").socketsJoin("dst");
        // applied on the sending node without waiting for Redis (its own echo is dropped by uid): on b's loop, where
        // a fetch from this thread runs after it
        assertTrue(TestClient.await(server(1).sockets().local().in(b.id()).fetchSockets()).get(0).rooms()
                .contains("dst"));
        ClusterFixture.eventually("a joined dst", () ->
                server(0).sockets().localSocket(a.id()).rooms().contains("dst"));
        assertTrue(!server(2).sockets().localSocket(c.id()).rooms().contains("dst"));
        server(2).sockets().socketsLeave("dst");
        ClusterFixture.eventually("everyone left dst", () ->
                !server(0).sockets().localSocket(a.id()).rooms().contains("dst")
                        && !server(1).sockets().localSocket(b.id()).rooms().contains("dst"));
    }

    @Test
    void allRoomsIsTheUnionOfEveryNode() {
        server(0).sockets().localSocket(a.id()).join("ra");
        server(2).sockets().localSocket(c.id()).join("rc");
        // joins from this thread run on the sockets' loops, and another node's answer reads the rooms as they are
        // then: the question is asked once both ran
        ClusterFixture.eventually("a in ra and c in rc", () ->
                server(0).sockets().localSocket(a.id()).rooms().contains("ra")
                        && server(2).sockets().localSocket(c.id()).rooms().contains("rc"));
        Set<String> rooms = TestClient.await(server(1).sockets().adapter().allRooms());
        assertTrue(rooms.containsAll(Set.of("ra", "rc", a.id(), b.id(), c.id())), rooms::toString);
    }

    @Test
    void disconnectSocketsReachesEveryNode() {
        server(0).sockets().localSocket(a.id()).join("bye");
        server(2).sockets().localSocket(c.id()).join("bye");
        server(1).in("bye").disconnectSockets(false);
        assertEquals("io server disconnect", a.next("disconnect")[1]);
        assertEquals("io server disconnect", c.next("disconnect")[1]);
        server(1).emit("marker");
        assertEquals(List.of("marker"), b.namesUntil("marker"));
    }

    @Test
    void localFetchStaysLocal() {
        List<RemoteSocket> local = TestClient.await(server(0).sockets().local().fetchSockets());
        assertEquals(List.of(a.id()), local.stream().map(RemoteSocket::id).toList());
    }
}
