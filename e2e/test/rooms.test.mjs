// Rooms and broadcasts: to(room), socket.to(room), leave, except, broadcast (sender excluded), volatile.
//
// "Nobody else got it" is checked with a barrier: after a broadcast the server emits the barrier event to
// every socket of the namespace; packets to one connection keep their order, so a socket that has the
// barrier but not the broadcast was not among the recipients. Each case uses a fresh dynamic namespace,
// so that its broadcasts reach its own sockets only.

import assert from "node:assert/strict";
import { forEachMode, freshNamespace, unique, useFixture, WAIT_MS } from "./support/clients.mjs";

const fixture = useFixture();

/** n connected sockets in a fresh namespace, named a, b, c... */
async function group(session, n) {
  const nsp = freshNamespace();
  const sockets = await Promise.all(Array.from({ length: n }, () => session.connect({ nsp })));
  return sockets;
}

async function join(socket, room) {
  const rooms = await socket.timeout(WAIT_MS).emitWithAck("join", room);
  assert.ok(rooms.includes(room), `${room} in ${rooms}`);
  return rooms;
}

/** Asks `sender` to run a broadcast handler; waits until every socket got the barrier. */
async function broadcastVia(sender, handler, request, everyone) {
  const barrier = unique("barrier");
  await sender.timeout(WAIT_MS).emitWithAck(handler, { ...request, barrier });
  await Promise.all(everyone.map((socket) => socket.next(barrier)));
}

/** Which of the sockets received `event`, as their indexes; checks the arguments. */
function receivers(sockets, event, args) {
  const got = [];
  sockets.forEach((socket, i) => {
    const received = socket.inbox.all(event);
    if (received.length > 0) {
      got.push(i);
      assert.deepEqual(received, [args], `socket ${i} got ${event} once, with the arguments`);
    }
  });
  return got;
}

forEachMode("to(room) reaches the room's members, the sender included when it is one", fixture, async (session) => {
  const sockets = await group(session, 4);
  const [a, b, c, d] = sockets;
  const room = unique("room");
  await join(a, room);
  await join(b, room);

  const event = unique("news");
  await broadcastVia(c, "to-room", { room, event, args: [{ hello: "room" }, 2 ** 40] }, sockets);
  assert.deepEqual(receivers(sockets, event, [{ hello: "room" }, 2 ** 40]), [0, 1], "a and b only");

  const fromMember = unique("news");
  await broadcastVia(a, "to-room", { room, event: fromMember, args: [] }, sockets);
  assert.deepEqual(receivers(sockets, fromMember, []), [0, 1], "server-side to(room) includes a member sender");
  void d;
});

forEachMode("socket.to(room) excludes the sender", fixture, async (session) => {
  const sockets = await group(session, 3);
  const [a, b] = sockets;
  const room = unique("room");
  await join(a, room);
  await join(b, room);
  const event = unique("whisper");
  await broadcastVia(a, "socket-to-room", { room, event, args: ["psst"] }, sockets);
  assert.deepEqual(receivers(sockets, event, ["psst"]), [1]);
});

forEachMode("several rooms: the union, each member once", fixture, async (session) => {
  const sockets = await group(session, 4);
  const [a, b, c] = sockets;
  const [red, blue] = [unique("red"), unique("blue")];
  await join(a, red);
  await join(b, blue);
  await join(c, red);
  await join(c, blue); // in both: must get it once
  const event = unique("both");
  await broadcastVia(sockets[3], "to-room", { room: [red, blue], event, args: [1] }, sockets);
  assert.deepEqual(receivers(sockets, event, [1]), [0, 1, 2]);
});

forEachMode("leave: a socket that left a room gets nothing sent to it", fixture, async (session) => {
  const sockets = await group(session, 3);
  const [a, b] = sockets;
  const room = unique("room");
  await join(a, room);
  await join(b, room);
  const rooms = await b.timeout(WAIT_MS).emitWithAck("leave", room);
  assert.deepEqual(rooms, [b.id], "b is back to the room of its own id");
  const event = unique("after-leave");
  await broadcastVia(sockets[2], "to-room", { room, event, args: [] }, sockets);
  assert.deepEqual(receivers(sockets, event, []), [0]);
});

forEachMode("except(room): everybody but the room's members", fixture, async (session) => {
  const sockets = await group(session, 4);
  const [a, b] = sockets;
  const room = unique("excluded");
  await join(a, room);
  await join(b, room);
  const event = unique("not-for-you");
  await broadcastVia(a, "except", { room, event, args: [{ x: null }] }, sockets);
  assert.deepEqual(receivers(sockets, event, [{ x: null }]), [2, 3]);
});

forEachMode("to(room).except(other): members of one room but not of the other", fixture, async (session) => {
  const sockets = await group(session, 4);
  const [a, b, c] = sockets;
  const [room, other] = [unique("room"), unique("other")];
  for (const socket of [a, b, c]) await join(socket, room);
  await join(b, other);
  const event = unique("to-except");
  await broadcastVia(sockets[3], "to-except", { room, except: other, event, args: [] }, sockets);
  assert.deepEqual(receivers(sockets, event, []), [0, 2]);
});

forEachMode("except(socket id): a socket's own room works as any other", fixture, async (session) => {
  const sockets = await group(session, 3);
  const event = unique("except-id");
  await broadcastVia(sockets[0], "except", { room: sockets[1].id, event, args: [] }, sockets);
  assert.deepEqual(receivers(sockets, event, []), [0, 2]);
  const direct = unique("to-id");
  await broadcastVia(sockets[0], "to-room", { room: sockets[2].id, event: direct, args: ["only you"] }, sockets);
  assert.deepEqual(receivers(sockets, direct, ["only you"]), [2]);
});

forEachMode("broadcast: everybody in the namespace but the sender", fixture, async (session) => {
  const sockets = await group(session, 4);
  const event = unique("shout");
  const binary = Buffer.from([1, 2, 3]);
  await broadcastVia(sockets[1], "broadcast", { event, args: ["hear ye", { binary }] }, sockets);
  assert.deepEqual(receivers(sockets, event, ["hear ye", { binary }]), [0, 2, 3]);
});

// Over polling a volatile event reaches a client only while its GET waits at the server (as with the reference
// server); right after other traffic the next GET may still be on its way, so each client gets a few chances there.
forEachMode("volatile: a quiet, connected client gets a volatile event", fixture, async (session, mode) => {
  const sockets = await group(session, 3);
  const reached = new Set();
  const attempts = mode === "websocket" ? 1 : 10;
  for (let attempt = 0; attempt < attempts && reached.size < sockets.length; attempt++) {
    const event = unique("volatile");
    const barrier = unique("barrier");
    await sockets[0].timeout(WAIT_MS).emitWithAck("volatile", { event, count: 1, barrier });
    await Promise.all(sockets.map((socket) => socket.next(barrier)));
    receivers(sockets, event, [0]).forEach((i) => reached.add(i));
  }
  assert.deepEqual([...reached].sort(), [0, 1, 2]);
});

forEachMode("volatile burst: what arrives arrives once, in order, before what follows", fixture, async (session, mode) => {
  // volatile packets may be dropped for a client that cannot take them now, never duplicated or reordered
  const sockets = await group(session, 2);
  const event = unique("volatile-burst");
  const barrier = unique("barrier");
  const count = 50;
  await sockets[0].timeout(WAIT_MS).emitWithAck("volatile", { event, count, barrier });
  await Promise.all(sockets.map((socket) => socket.next(barrier)));
  for (const socket of sockets) {
    const values = socket.inbox.all(event).map(([n]) => n);
    assert.ok(values.length <= count, `${values.length} of ${count}`);
    assert.deepEqual(values, [...values].sort((x, y) => x - y), "in order");
    assert.equal(new Set(values).size, values.length, "no duplicates");
    if (mode === "websocket") {
      // over polling the first goes out only if the client's GET is already waiting (see above)
      assert.equal(values[0], 0, "the first of the burst goes out to a quiet client");
    }
  }
});
