package io.switchboard.core;

import static io.switchboard.javaclient.Fixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.switchboard.javaclient.Fixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The rooms index of the in-memory adapter, and how it selects local sockets. */
class InMemoryAdapterTest {

    /** The index alone: no server started, no sockets. */
    @Nested
    class Index {
        private final Server server = new Server();
        private final Adapter adapter = server.of("/unit").adapter();

        @AfterEach
        void close() {
            server.close();
        }

        @Test
        void theDefaultAdapterIsInMemory() {
            assertEquals(InMemoryAdapter.class, adapter.getClass());
            assertEquals(Set.of(), adapter.rooms());
            assertEquals(1, await(adapter.serverCount()));
        }

        @Test
        void addAllIndexesBothWays() {
            adapter.addAll("s1", Set.of("a", "b"));
            adapter.addAll("s2", Set.of("b"));
            adapter.addAll("s1", Set.of("a"));

            assertEquals(Set.of("a", "b"), adapter.rooms());
            assertEquals(Set.of("a", "b"), adapter.socketRooms("s1"));
            assertEquals(Set.of("b"), adapter.socketRooms("s2"));
            assertEquals(Set.of("a", "b"), await(adapter.allRooms()));
        }

        @Test
        void everyMemberNamesARoomByTheStringItWasMadeUnder() {
            // each event's arguments bring their own copy of the name: kept per member, they would cost 64 bytes a join
            String made = new String("chat:lobby");
            adapter.addAll("s1", Set.of(made));
            adapter.addAll("s2", Set.of(new String("chat:lobby")));
            adapter.addAll("s2", Set.of(new String("chat:other")));

            Map<String, Set<String>> index = ((InMemoryAdapter) adapter).roomsIndex();
            assertSame(made, one(index.get("socketRooms:s1")));
            assertSame(made, index.get("socketRooms:s2").stream().filter("chat:lobby"::equals).findFirst().orElseThrow());
            assertEquals(Set.of("s1", "s2"), index.get("chat:lobby"));
            assertEquals(Set.of("chat:lobby", "chat:other"), adapter.socketRooms("s2"));
        }

        private static String one(Set<String> set) {
            assertEquals(1, set.size());
            return set.iterator().next();
        }

        @Test
        void delRemovesOneMembershipAndAnEmptiedRoom() {
            adapter.addAll("s1", Set.of("a", "b"));
            adapter.addAll("s2", Set.of("b"));

            adapter.del("s1", "a");
            adapter.del("s1", "b");

            assertEquals(Set.of("b"), adapter.rooms(), "b still has s2, a is gone");
            assertEquals(Set.of(), adapter.socketRooms("s1"));
            adapter.del("s2", "b");
            assertEquals(Set.of(), adapter.rooms());
        }

        @Test
        void delAllRemovesEveryMembershipOfTheSocket() {
            adapter.addAll("s1", Set.of("a", "b", "c"));
            adapter.addAll("s2", Set.of("c"));

            adapter.delAll("s1");

            assertEquals(Set.of("c"), adapter.rooms());
            assertEquals(Set.of(), adapter.socketRooms("s1"));
            assertEquals(Set.of("c"), adapter.socketRooms("s2"));
        }

        @Test
        void unknownSocketsAndRoomsAreHarmless() {
            adapter.del("ghost", "a");
            adapter.delAll("ghost");
            adapter.addAll("s1", Set.of("a"));
            adapter.del("s1", "not-joined");

            assertEquals(Set.of(), adapter.socketRooms("ghost"));
            assertEquals(Set.of("a"), adapter.rooms());
        }

        @Test
        void socketRoomsIsAnImmutableSnapshot() {
            adapter.addAll("s1", Set.of("a"));
            Set<String> snapshot = adapter.socketRooms("s1");

            adapter.addAll("s1", Set.of("b"));

            assertEquals(Set.of("a"), snapshot);
            assertThrows(UnsupportedOperationException.class, () -> snapshot.add("c"));
        }

        @Test
        void indexedIdsThatAreNoLocalSocketsAreNeverSelected() {
            adapter.addAll("ghost", Set.of("a"));

            assertEquals(Set.of(), adapter.sockets(Set.of("a")));
            assertEquals(Set.of(), adapter.sockets(Set.of()));
        }
    }

    /** Selection of real sockets: a in r1, b in r1 and r2, c in r2 and r3, d in nothing. */
    @Nested
    class Selection {
        private final Fixture fx;
        private final InMemoryAdapter adapter;
        private final Fixture.Client a;
        private final Fixture.Client b;
        private final Fixture.Client c;
        private final Fixture.Client d;
        private final BlockingQueue<String> gone = new LinkedBlockingQueue<>();

        Selection() throws InterruptedException {
            fx = Fixture.start();
            fx.server.onConnection(socket -> {
                socket.onDisconnect(reason -> gone.add(socket.id()));
                String rooms = socket.handshake().auth().path("rooms").asText("");
                for (String room : rooms.split(",")) {
                    if (!room.isEmpty()) {
                        socket.join(room);
                    }
                }
            });
            adapter = (InMemoryAdapter) fx.server.sockets().adapter();
            a = fx.connect("websocket", "/", Map.of("rooms", "r1"));
            b = fx.connect("websocket", "/", Map.of("rooms", "r1,r2"));
            c = fx.connect("websocket", "/", Map.of("rooms", "r2,r3"));
            d = fx.connect("websocket", "/", Map.of());
        }

        @AfterEach
        void close() {
            fx.close();
        }

        private List<String> selected(Set<String> rooms, Set<String> except) {
            // what every operation selects, each loop its own sockets
            List<String> ids = new ArrayList<>();
            await(adapter.fetchSockets(new BroadcastOptions(rooms, except, BroadcastFlags.DEFAULT)))
                    .forEach(info -> ids.add(info.id()));
            return ids;
        }

        @Test
        void socketsOfNoRoomsAreAllLocalSockets() {
            assertEquals(Set.of(a.id(), b.id(), c.id(), d.id()), adapter.sockets(Set.of()));
        }

        @Test
        void socketsOfSeveralRoomsIsTheirUnion() {
            assertEquals(Set.of(a.id(), b.id()), adapter.sockets(Set.of("r1")));
            assertEquals(Set.of(a.id(), b.id(), c.id()), adapter.sockets(Set.of("r1", "r3")));
            assertEquals(Set.of(a.id(), b.id(), c.id()), adapter.sockets(Set.of("r1", "r2", "r3", "none")));
            assertEquals(Set.of(), adapter.sockets(Set.of("none")));
        }

        @Test
        void eachSelectedSocketOnceEvenInSeveralRooms() {
            List<String> ids = selected(Set.of("r1", "r2", "r3"), Set.of());

            assertEquals(3, ids.size(), ids.toString());
            assertEquals(Set.of(a.id(), b.id(), c.id()), Set.copyOf(ids));
        }

        @Test
        void exceptRemovesTheMembersOfItsRooms() {
            assertEquals(Set.of(a.id()), Set.copyOf(selected(Set.of("r1", "r3"), Set.of("r2"))));
            assertEquals(Set.of(a.id(), d.id()), Set.copyOf(selected(Set.of(), Set.of("r2"))));
            assertEquals(Set.of(b.id(), c.id()), Set.copyOf(selected(Set.of("r2"), Set.of(d.id(), a.id()))));
            assertEquals(Set.of(), Set.copyOf(selected(Set.of("r1"), Set.of("r1"))));
        }

        @Test
        void everySocketIsInItsOwnRoomUntilItLeavesIt() {
            assertEquals(Set.of(b.id(), "r1", "r2"), adapter.socketRooms(b.id()));
            assertEquals(Set.of(d.id()), adapter.socketRooms(d.id()));
            assertEquals(List.of(d.id()), selected(Set.of(d.id()), Set.of()));
            assertEquals(Set.of(a.id(), b.id(), c.id(), d.id(), "r1", "r2", "r3"), adapter.rooms());

            adapter.del(d.id(), d.id());

            assertEquals(List.of(), selected(Set.of(d.id()), Set.of()), "left its own room, as socket.leave(id)");
            assertEquals(Set.of(), adapter.socketRooms(d.id()));
            assertEquals(true, adapter.sockets(Set.of()).contains(d.id()), "still connected");
            adapter.addAll(d.id(), Set.of(d.id()));
            assertEquals(List.of(d.id()), selected(Set.of(d.id()), Set.of()));
        }

        @Test
        void aRoomNamedLikeAnotherSocketReachesBothOnce() {
            adapter.addAll(a.id(), Set.of(b.id()));

            assertEquals(Set.of(a.id(), b.id()), Set.copyOf(selected(Set.of(b.id()), Set.of())));
            assertEquals(2, selected(Set.of(b.id(), "r1"), Set.of()).size());
            assertEquals(Set.of(b.id(), c.id()), Set.copyOf(selected(Set.of("r2"), Set.of())));
            assertEquals(Set.of(c.id()), Set.copyOf(selected(Set.of("r2"), Set.of(b.id()))),
                    "except a socket id excludes that socket and the room's members");
            assertEquals(true, adapter.hasRoom(b.id()));
            assertEquals(false, adapter.hasRoom("no-such-socket"));
        }

        @Test
        void aDisconnectedSocketLeavesTheIndex() {
            String id = c.id();
            c.socket.disconnect();

            assertEquals(id, Fixture.take(gone));
            assertEquals(Set.of(a.id(), b.id(), d.id(), "r1", "r2"), adapter.rooms());
            assertEquals(Set.of(), adapter.socketRooms(id));
            assertEquals(Set.of(b.id()), adapter.sockets(Set.of("r2")));
        }
    }
}
