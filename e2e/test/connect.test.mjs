// Connecting: the handshake (auth, query) reaches the server, ids agree, the transport is the one
// the mode asks for.

import assert from "node:assert/strict";
import { finalTransport, forEachMode, useFixture } from "./support/clients.mjs";

const fixture = useFixture();

forEachMode("connect with auth: the handshake auth reaches the server", fixture, async (session, mode) => {
  const auth = {
    token: "abc",
    user: { name: "Zoë 🦊", roles: ["admin", "ops"], manager: null },
    big: 2 ** 40,
    ratio: 0.25,
    empty: {},
    list: [],
  };
  const socket = await session.connect({ auth, query: { room: "lobby", lang: "fr" } });
  assert.ok(socket.id, "socket.id is set");

  const [reported] = await socket.next("auth");
  assert.deepEqual(reported, auth);

  const whoami = await socket.timeout(5_000).emitWithAck("whoami");
  assert.equal(whoami.id, socket.id);
  assert.equal(whoami.nsp, "/");
  assert.deepEqual(whoami.auth, auth);
  assert.equal(whoami.query.room, "lobby");
  assert.equal(whoami.query.lang, "fr");
  assert.equal(whoami.query.EIO, "4");
  assert.equal(whoami.transport, finalTransport(mode), "the server sees the same transport");
  assert.deepEqual(whoami.rooms, [socket.id], "a socket starts in the room of its own id");
});

forEachMode("connect without auth: the server sees an empty object", fixture, async (session) => {
  const socket = await session.connect();
  const [reported] = await socket.next("auth");
  assert.deepEqual(reported, {});
});

forEachMode("auth given as a function is evaluated per connection", fixture, async (session) => {
  let calls = 0;
  const socket = await session.connect({
    auth: (callback) => {
      calls += 1;
      callback({ token: `call-${calls}` });
    },
  });
  const [reported] = await socket.next("auth");
  assert.deepEqual(reported, { token: "call-1" });
});

forEachMode("several clients get distinct ids", fixture, async (session) => {
  const sockets = await Promise.all([session.connect(), session.connect(), session.connect()]);
  const ids = new Set(sockets.map((socket) => socket.id));
  assert.equal(ids.size, 3);
  for (const socket of sockets) {
    const whoami = await socket.timeout(5_000).emitWithAck("whoami");
    assert.equal(whoami.id, socket.id);
  }
});
