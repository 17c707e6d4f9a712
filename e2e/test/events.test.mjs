// Events both ways: JSON values of every kind come back deep-equal, in order, in bursts, large.

import assert from "node:assert/strict";
import { connected, forEachMode, useFixture } from "./support/clients.mjs";
import { RICH } from "./support/data.mjs";

const fixture = useFixture();

forEachMode("event echo with rich JSON comes back deep-equal", fixture, async (session) => {
  const socket = await session.connect();
  socket.emit("echo", RICH);
  const [echoed] = await socket.next("echo");
  assert.deepEqual(echoed, RICH);
});

forEachMode("several arguments of every JSON type, top-level scalars included", fixture, async (session) => {
  const socket = await session.connect();
  const args = [null, 0, -1.5, 2 ** 40, Number.MAX_SAFE_INTEGER, "", "🦊", true, false, [], {}, [null], { x: null }];
  socket.emit("echo", ...args);
  assert.deepEqual(await socket.next("echo"), args);
});

forEachMode("undefined and non-finite values arrive as JSON.stringify writes them", fixture, async (session) => {
  const socket = await session.connect();
  socket.emit("echo", { kept: 1, dropped: undefined, nan: NaN, inf: -Infinity, date: new Date(0) }, [undefined]);
  assert.deepEqual(await socket.next("echo"), [
    { kept: 1, nan: null, inf: null, date: "1970-01-01T00:00:00.000Z" },
    [null],
  ]);
});

forEachMode("an event without arguments", fixture, async (session) => {
  const socket = await session.connect();
  socket.emit("echo");
  assert.deepEqual(await socket.next("echo"), []);
});

forEachMode("event names with unicode and punctuation", fixture, async (session) => {
  const socket = await session.connect();
  const name = 'mirror: é"\\/ 🚀';
  socket.emit(name, "payload");
  assert.deepEqual(await socket.next(name), ["payload"]);
});

forEachMode("a burst of events comes back complete and in order", fixture, async (session) => {
  const socket = await session.connect();
  const count = 200;
  for (let i = 0; i < count; i++) socket.emit("echo", i, `message ${i}`);
  for (let i = 0; i < count; i++) {
    assert.deepEqual(await socket.next("echo"), [i, `message ${i}`]);
  }
});

forEachMode("a large payload (300 kB of text) round-trips", fixture, async (session) => {
  const socket = await session.connect();
  const big = "🦊abc".repeat(60_000); // 300 000 UTF-16 units, 420 000 UTF-8 bytes
  const list = Array.from({ length: 2_000 }, (_, i) => ({ i, s: `item-${i}` }));
  socket.emit("echo", big, list);
  const [text, echoedList] = await socket.next("echo");
  assert.equal(text.length, big.length);
  assert.ok(text === big, "the large string is identical");
  assert.deepEqual(echoedList, list);
});

forEachMode("events of two sockets do not mix", fixture, async (session) => {
  const [a, b] = await Promise.all([session.connect(), session.connect()]);
  a.emit("echo", "from a");
  b.emit("echo", "from b");
  assert.deepEqual(await a.next("echo"), ["from a"]);
  assert.deepEqual(await b.next("echo"), ["from b"]);
  // the acks (a barrier per socket) come after anything else sent to them
  await a.timeout(5_000).emitWithAck("rooms");
  await b.timeout(5_000).emitWithAck("rooms");
  assert.equal(a.inbox.count("echo"), 1);
  assert.equal(b.inbox.count("echo"), 1);
});

forEachMode("events sent from the start, while the upgrade is under way, are all echoed in order", fixture, async (session) => {
  // not awaited: the emits are buffered until the connection, then race the upgrade probe in "upgrade" mode
  const socket = session.client();
  const count = 300;
  for (let i = 0; i < count; i++) socket.emit("echo", i, { payload: "x".repeat(i) });
  for (let i = 0; i < count; i++) {
    assert.deepEqual(await socket.next("echo"), [i, { payload: "x".repeat(i) }]);
  }
  await connected(socket); // and, in "upgrade" mode, the upgrade did happen
});
