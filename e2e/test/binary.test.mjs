// Binary both ways: exact bytes, nested at any depth in objects and arrays, as Node Buffers.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { forEachMode, once, useFixture } from "./support/clients.mjs";

const fixture = useFixture();

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Asserts `actual` is a Node Buffer holding exactly `expected`'s bytes. */
function assertBytes(actual, expected, what = "binary") {
  assert.ok(Buffer.isBuffer(actual), `${what} arrives as a Buffer, got ${Object.prototype.toString.call(actual)}`);
  const bytes = Buffer.from(expected.buffer ?? expected, expected.byteOffset ?? 0, expected.byteLength);
  assert.ok(actual.equals(bytes), `${what}: expected ${bytes.toString("hex")}, got ${actual.toString("hex")}`);
}

forEachMode("a Buffer with every byte value round-trips exactly", fixture, async (session) => {
  const socket = await session.connect();
  socket.emit("echo", ALL_BYTES);
  const [echoed] = await socket.next("echo");
  assertBytes(echoed, ALL_BYTES);
});

forEachMode("binary nested in objects and arrays, next to JSON, round-trips", fixture, async (session) => {
  const socket = await session.connect();
  const random = randomBytes(1_000);
  const value = {
    name: "upload 🦊",
    head: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    parts: [Buffer.from("part one"), { inner: Buffer.from([0, 0, 0]), meta: { size: 3, nil: null } }, [random]],
    empty: Buffer.alloc(0),
    count: 2 ** 40,
  };
  socket.emit("echo", value, "second", Buffer.from([7]));
  const [echoed, second, last] = await socket.next("echo");
  assert.equal(second, "second");
  assertBytes(last, Buffer.from([7]), "last argument");
  assert.equal(echoed.name, value.name);
  assert.equal(echoed.count, value.count);
  assertBytes(echoed.head, value.head, "head");
  assertBytes(echoed.parts[0], value.parts[0], "parts[0]");
  assertBytes(echoed.parts[1].inner, value.parts[1].inner, "parts[1].inner");
  assert.deepEqual(echoed.parts[1].meta, { size: 3, nil: null });
  assertBytes(echoed.parts[2][0], random, "parts[2][0]");
  assertBytes(echoed.empty, value.empty, "empty");
  // and, Buffers being Buffers, the whole value is deep-equal too
  assert.deepEqual(echoed, value);
});

forEachMode("ArrayBuffer and typed arrays arrive as their bytes", fixture, async (session) => {
  const socket = await session.connect();
  const arrayBuffer = new Uint8Array([1, 2, 3, 250]).buffer;
  const int16 = new Int16Array([-1, 256, 32767]);
  const float64 = new Float64Array([Math.PI]);
  const slice = new Uint8Array(ALL_BYTES.buffer.slice(0), ALL_BYTES.byteOffset + 10, 5); // a view at an offset
  socket.emit("echo", { arrayBuffer, int16, float64, slice });
  const [echoed] = await socket.next("echo");
  assertBytes(echoed.arrayBuffer, new Uint8Array(arrayBuffer), "ArrayBuffer");
  assertBytes(echoed.int16, int16, "Int16Array");
  assertBytes(echoed.float64, float64, "Float64Array");
  assertBytes(echoed.slice, slice, "Uint8Array at an offset");
});

forEachMode("binary from the server: nested, with every byte value", fixture, async (session) => {
  const socket = await session.connect();
  const acked = await socket.timeout(5_000).emitWithAck("emit-binary");
  const [sample, all] = await socket.next("binary");
  assertBytes(all, ALL_BYTES, "all bytes");
  for (const value of [sample, acked]) {
    // keep in step with E2eServer.binarySample()
    assert.deepEqual(value, {
      head: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      list: [Buffer.from([1, 2, 3]), "text", { empty: Buffer.alloc(0), label: "deep" }, [Buffer.from([0xff])]],
      n: 42,
      none: null,
    });
    assertBytes(value.list[3][0], Buffer.from([0xff]), "list[3][0]");
  }
});

forEachMode("ten attachments in one event (the parsers' default limit) keep their order", fixture, async (session) => {
  const socket = await session.connect();
  const buffers = Array.from({ length: 5 }, (_, i) => Buffer.from([i, i, i]));
  socket.emit("echo", buffers, { reversed: [...buffers].reverse() });
  const [echoed, { reversed }] = await socket.next("echo");
  buffers.forEach((buffer, i) => assertBytes(echoed[i], buffer, `buffers[${i}]`));
  [...buffers].reverse().forEach((buffer, i) => assertBytes(reversed[i], buffer, `reversed[${i}]`));
});

forEachMode("more than ten attachments: the server drops the connection, as the reference parser does", fixture, async (session) => {
  // socket.io-parser refuses packets announcing more than 10 attachments (maxAttachments), so does Switchboard
  const observer = await session.observer();
  const socket = await session.connect();
  const id = socket.id;
  await socket.timeout(5_000).emitWithAck("rooms"); // the connection handlers have run
  const disconnected = once(socket, "disconnect");
  socket.emit("echo", Array.from({ length: 11 }, (_, i) => Buffer.from([i])));
  const [reason] = await disconnected;
  assert.equal(reason, "transport close");
  assert.equal(await observer.disconnectReason(id), "forced close");
  // the client reconnects by itself, and the new connection works
  await once(socket, "connect");
  socket.emit("echo", Buffer.from([1]));
  const [echoed] = await socket.next("echo");
  assertBytes(echoed, Buffer.from([1]));
});

forEachMode("a large binary (256 kB) round-trips exactly", fixture, async (session) => {
  const socket = await session.connect();
  const big = randomBytes(256 * 1024);
  socket.emit("echo", { big });
  const [{ big: echoed }] = await socket.next("echo");
  assertBytes(echoed, big, "256 kB");
});

forEachMode("binary and text events interleaved stay in order", fixture, async (session) => {
  const socket = await session.connect();
  for (let i = 0; i < 40; i++) {
    if (i % 2) socket.emit("echo", i, Buffer.from([i]));
    else socket.emit("echo", i, `text ${i}`);
  }
  for (let i = 0; i < 40; i++) {
    const [n, payload] = await socket.next("echo");
    assert.equal(n, i);
    if (i % 2) assertBytes(payload, Buffer.from([i]), `event ${i}`);
    else assert.equal(payload, `text ${i}`);
  }
});

// Inside a binary packet, an object {_placeholder: true, num} is an attachment reference by the
// protocol's definition (socket.io-parser replaces it too): only a text packet can carry one as JSON.
forEachMode("JSON that looks like a binary placeholder stays JSON in a text event", fixture, async (session) => {
  const socket = await session.connect();
  const lookalike = { _placeholder: true, num: 0 };
  socket.emit("echo", lookalike, [{ _placeholder: true, num: 1 }]);
  assert.deepEqual(await socket.next("echo"), [lookalike, [{ _placeholder: true, num: 1 }]]);
  assert.deepEqual(await socket.timeout(5_000).emitWithAck("echo-ack", lookalike), lookalike);
});
