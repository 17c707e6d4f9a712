// Rooms in the packaged server: the automatic user and org rooms, join-room / leave-room / room-message,
// the room policy of the configuration (claim placeholders, roles) and its limits.
//
// Connection state recovery is on (the packaged default), so every event carries the recovery offset as
// an extra last argument, as with the reference server: the assertions look at the first argument.
//
// "Nobody else got it" is checked with a later event on the same connection: packets to one connection
// keep their order, so a socket that has the later event but not the earlier one was not a recipient.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  claims,
  connect,
  request,
  signJwt,
  startSwitchboard,
  unique,
  yaml,
  WAIT_MS,
} from "./server-support.mjs";

const SECRET = "e2e-rooms-secret-long-enough-for-hmac-sha-256-0123456789";

/** The first argument of the next `event` of a socket. */
async function first(socket, event, matches) {
  const args = matches ? await socket.inbox.next(event, WAIT_MS, matches) : await socket.next(event);
  return args[0];
}

let server;
const as = (user) => connect(server.url, { token: signJwt(claims(user), { alg: "HS256", key: SECRET }) });
const alice = () => as({ sub: "alice", orgId: "acme", name: "Alice" });
const bob = () => as({ sub: "bob", orgId: "acme", name: "Bob" });
const carol = () => as({ sub: "carol", orgId: "globex", name: "Carol", roles: ["admin"] });

describe("rooms", () => {
  before(async () => {
    server = await startSwitchboard(
      yaml({
        auth: { secret: SECRET },
        rooms: {
          policies: [
            "chat:*",
            "org:{orgId}:*",
            "user:{sub}",
            { pattern: "admin:*", roles: ["admin"] },
            "team:{teams}:*",
          ],
          maxRoomsPerSocket: 3,
          maxRoomNameLength: 32,
        },
      }),
    );
  });

  test("a socket is in its user room and its org room from the start", async () => {
    const a = await alice();
    const b = await bob();
    const c = await carol();
    assert.deepEqual(await request(a, "room-message", { roomId: "user:alice", message: "note to self" }), {
      ok: true,
    });
    const own = await first(a, "room-message");
    assert.equal(own.message, "note to self");

    assert.deepEqual(await request(a, "room-message", { roomId: "org:acme", message: "hi acme" }), { ok: true });
    const toBob = await first(b, "room-message");
    assert.deepEqual({ ...toBob, timestamp: 0 }, {
      userId: "alice",
      username: "Alice",
      message: "hi acme",
      timestamp: 0,
      roomId: "org:acme",
    });
    assert.equal(typeof toBob.timestamp, "number");
    // carol (globex) is not in org:acme: her later message arrives, the acme one never did
    assert.deepEqual(await request(c, "room-message", { roomId: "org:globex", message: "later" }), { ok: true });
    await c.next("room-message");
    assert.equal(c.inbox.all("room-message").length, 1);
    assert.equal(c.inbox.all("room-message")[0][0].message, "later");
  });

  test("join-room: allowed rooms ack {ok:true} and announce user-joined to the others", async () => {
    const room = unique("chat:lobby");
    const b = await bob();
    assert.deepEqual(await request(b, "join-room", room), { ok: true });
    const a = await alice();
    assert.deepEqual(await request(a, "join-room", room), { ok: true });
    assert.deepEqual(await first(b, "user-joined"), { userId: "alice", username: "Alice", roomId: room });

    assert.deepEqual(await request(a, "room-message", { roomId: room, message: { text: "hello", n: 1 } }), {
      ok: true,
    });
    const atBob = await first(b, "room-message");
    const atAlice = await first(a, "room-message");
    assert.deepEqual(atBob, atAlice);
    assert.deepEqual(atBob.message, { text: "hello", n: 1 });
    assert.equal(atBob.userId, "alice");
    assert.equal(atBob.username, "Alice");
    assert.equal(atBob.roomId, room, "a client in several rooms tells which one a message is for");
    assert.equal(a.inbox.count("user-joined"), 0, "the joiner is not told about itself");
  });

  test("room-message to a room the sender is not in: error Not in room, nobody gets it", async () => {
    const room = unique("chat:quiet");
    const b = await bob();
    await request(b, "join-room", room);
    const a = await alice();
    const error = first(a, "error");
    assert.deepEqual(await request(a, "room-message", { roomId: room, message: "intrusion" }), {
      error: "Not in room",
    });
    assert.deepEqual(await error, { message: "Not in room" });
    await request(b, "room-message", { roomId: room, message: "only me" });
    const got = await first(b, "room-message");
    assert.equal(got.message, "only me");
    assert.equal(b.inbox.count("room-message"), 1);
  });

  test("the policy: claim placeholders", async () => {
    const a = await alice();
    assert.deepEqual(await request(a, "join-room", "org:acme:general"), { ok: true });
    assert.deepEqual(await request(a, "join-room", "user:alice"), { ok: true });
    const denied = first(a, "error");
    assert.deepEqual(await request(a, "join-room", "org:globex:general"), { error: "Access denied" });
    assert.deepEqual(await denied, { message: "Access denied" });
    assert.deepEqual(await request(a, "join-room", "user:bob"), { error: "Access denied" });
    assert.deepEqual(await request(a, "join-room", "secret-room"), { error: "Access denied" });

    const d = await as({ sub: "dave", teams: ["red", "blue"] });
    assert.deepEqual(await request(d, "join-room", "team:blue:standup"), { ok: true });
    assert.deepEqual(await request(d, "join-room", "team:green:standup"), { error: "Access denied" });
  });

  test("the policy: roles", async () => {
    const a = await alice();
    assert.deepEqual(await request(a, "join-room", "admin:ops"), { error: "Access denied" });
    const c = await carol();
    assert.deepEqual(await request(c, "join-room", "admin:ops"), { ok: true });
  });

  test("a refused join without an ack callback gets the error event", async () => {
    const a = await alice();
    a.emit("join-room", "org:globex:x");
    assert.deepEqual(await first(a, "error"), { message: "Access denied" });
  });

  test("leave-room announces user-left; the leaver can no longer message the room", async () => {
    const room = unique("chat:leave");
    const a = await alice();
    const b = await bob();
    await request(a, "join-room", room);
    await request(b, "join-room", room);
    assert.deepEqual(await request(a, "leave-room", room), { ok: true });
    assert.deepEqual(await first(b, "user-left"), { userId: "alice", roomId: room });
    assert.deepEqual(await request(a, "room-message", { roomId: room, message: "still here?" }), {
      error: "Not in room",
    });
  });

  test("disconnecting announces user-left to the rooms the socket had joined", async () => {
    const room = unique("chat:bye");
    const a = await alice();
    const b = await bob();
    await request(a, "join-room", room);
    await request(b, "join-room", room);
    a.disconnect();
    const left = await first(b, "user-left", ([payload]) => payload.userId === "alice");
    assert.deepEqual(left, { userId: "alice", roomId: room });
  });

  test("limits: rooms per socket and room name length", async () => {
    const a = await alice();
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await request(a, "join-room", `chat:limit-${i}`), { ok: true });
    }
    assert.deepEqual(await request(a, "join-room", "chat:limit-3"), { error: "Too many rooms" });
    assert.deepEqual(await request(a, "leave-room", "chat:limit-0"), { ok: true });
    assert.deepEqual(await request(a, "join-room", "chat:limit-3"), { ok: true });

    const b = await bob();
    assert.deepEqual(await request(b, "join-room", `chat:${"x".repeat(40)}`), { error: "Room name too long" });
    assert.deepEqual(await request(b, "join-room", ""), { error: "Invalid room" });
    assert.deepEqual(await request(b, "join-room", { roomId: "chat:as-object" }), { ok: true });
  });
});
