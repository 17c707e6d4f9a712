// The msgpack parser: socket.io-client 4 with socket.io-msgpack-parser 3 against a server started with
// `parser: msgpack`, over websocket, polling and the upgrade. Every packet travels as one binary message (a
// MessagePack map); events, acks both ways, binary both ways, namespaces, a refused namespace, recovery, and a
// broadcast through Redis to another node.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import parser from "socket.io-msgpack-parser";
import { forEachMode, freshNamespace, once, useFixture, WAIT_MS } from "./support/clients.mjs";
import { RICH } from "./support/data.mjs";
import { startJava } from "./support/server.mjs";

const fixture = useFixture(["--parser", "msgpack"]);
const RECOVERY_FIXTURE = "io.switchboard.recovery.RecoveryFixture";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

// What notepack.io (the parser's codec) cannot write, whatever the server: a lone surrogate (it pairs it with the
// next character), and integral numbers from 2^64 up (it writes them as a uint64 that overflowed)
const { loneSurrogates, ...RICH_REST } = RICH;
const RICH_MSGPACK = { ...RICH_REST, floats: RICH.floats.filter((f) => !Number.isInteger(f) || Math.abs(f) < 2 ** 63) };

/** Every message the client's engine receives, to check it is msgpack and not text. */
function recordMessages(socket) {
  const messages = [];
  socket.io.engine.on("data", (data) => messages.push(data));
  return messages;
}

function isBinary(data) {
  return Buffer.isBuffer(data) || data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

forEachMode("events go both ways as msgpack binary messages, rich values intact", fixture, async (session) => {
  const socket = await session.connect({ parser });
  const messages = recordMessages(socket);
  socket.emit("echo", RICH_MSGPACK, "second", 2 ** 40);
  assert.deepEqual(await socket.next("echo"), [RICH_MSGPACK, "second", 2 ** 40]);
  assert.ok(messages.length > 0);
  assert.ok(messages.every(isBinary), "every message is binary");
});

forEachMode("acks both ways, with binary arguments", fixture, async (session) => {
  const socket = await session.connect({ parser });
  assert.deepEqual(await socket.timeout(WAIT_MS).emitWithAck("echo-ack", RICH_MSGPACK), RICH_MSGPACK);
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  assert.deepEqual(await socket.timeout(WAIT_MS).emitWithAck("echo-ack", { nested: [bytes] }), { nested: [bytes] });

  // the server asks, the client answers through its ack callback
  const question = once(socket, "question");
  await socket.timeout(WAIT_MS).emitWithAck("ask-client", { tag: "q", timeout: WAIT_MS, args: ["why?", 1.5] });
  const [why, number, ack] = await question;
  assert.deepEqual([why, number], ["why?", 1.5]);
  ack("because", { bytes: Buffer.from([9, 8, 7]) });
  const [report] = await socket.next("answer");
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.deepEqual(report.args, ["because", { bytes: Buffer.from([9, 8, 7]) }]);
});

forEachMode("binary both ways, nested, with every byte value", fixture, async (session) => {
  const socket = await session.connect({ parser });
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const value = { head: Buffer.from([0xde, 0xad]), parts: [Buffer.from("one"), { inner: all }], empty: Buffer.alloc(0) };
  socket.emit("echo", value, Buffer.from([7]));
  assert.deepEqual(await socket.next("echo"), [value, Buffer.from([7])]);

  const acked = await socket.timeout(WAIT_MS).emitWithAck("emit-binary");
  const [sample, bytes] = await socket.next("binary");
  assert.ok(bytes.equals(all));
  const expected = {
    head: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    list: [Buffer.from([1, 2, 3]), "text", { empty: Buffer.alloc(0), label: "deep" }, [Buffer.from([0xff])]],
    n: 42,
    none: null,
  };
  assert.deepEqual(sample, expected);
  assert.deepEqual(acked, expected);
});

forEachMode("namespaces: auth, a dynamic one multiplexed, and a refusal with its data", fixture, async (session) => {
  const secured = await session.connect({ parser, nsp: "/auth-ns", auth: { token: "good", extra: [1, 2] } });
  const [auth] = await secured.next("auth");
  assert.deepEqual(auth, { token: "good", extra: [1, 2] });
  assert.equal((await secured.timeout(WAIT_MS).emitWithAck("whoami")).nsp, "/auth-ns");

  const manager = session.manager({ parser });
  const nsp = freshNamespace();
  const main = session.client({ manager, nsp: "/" });
  const dynamic = session.client({ manager, nsp });
  await Promise.all([once(main, "connect"), once(dynamic, "connect")]);
  assert.equal((await dynamic.timeout(WAIT_MS).emitWithAck("whoami")).nsp, nsp);
  dynamic.emit("echo", Buffer.from([1]));
  assert.deepEqual(await dynamic.next("echo"), [Buffer.from([1])]);

  const refused = session.client({ parser, nsp: "/auth-ns", auth: { token: "bad" } });
  const [error] = await once(refused, "connect_error");
  assert.equal(error.message, "not authorized");
  assert.deepEqual(error.data, { code: 401 });
});

forEachMode("a CONNECT over the auth limit is refused as with the default parser", fixture, async (session) => {
  const big = session.client({ parser, auth: { blob: "x".repeat(20_000) } });
  const [error] = await once(big, "connect_error");
  assert.equal(error.message, "Handshake auth too large");
  const fine = await session.connect({ parser, auth: { blob: "x".repeat(1_000) } });
  assert.equal((await fine.next("auth"))[0].blob.length, 1_000);
});

forEachMode("a client with the default parser is closed, and the others keep being served", fixture, async (session) => {
  const canary = await session.connect({ parser });
  const wrong = session.client({ reconnection: false }); // sends its CONNECT as text, which msgpack is not
  const [reason] = await once(wrong.io, "close");
  assert.match(reason, /transport (close|error)|forced close/);
  assert.equal(wrong.connected, false);
  assert.deepEqual(await canary.timeout(WAIT_MS).emitWithAck("echo-ack", "still here"), "still here");
});

function recoveryClient(port, transports) {
  return io(`http://127.0.0.1:${port}`, {
    parser, transports, forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100,
  });
}

async function connectedClient(port, transports) {
  const socket = recoveryClient(port, transports);
  await once(socket, "connect", { failOn: ["connect_error"] });
  return socket;
}

async function waitUntil(predicate, what) {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("connection state recovery with the msgpack parser", () => {
  let server;
  let controller;
  before(async () => {
    server = await startJava(RECOVERY_FIXTURE, ["--parser", "msgpack"]);
    controller = await connectedClient(server.port, ["websocket"]);
  });
  after(async () => {
    controller?.disconnect();
    await server?.stop();
  });

  for (const transports of [["websocket"], ["polling"]]) {
    test(`${transports[0]}: missed events (binary included) come back once, in order, with the same id`, async () => {
      const client = await connectedClient(server.port, transports);
      const firstId = client.id;
      await client.timeout(WAIT_MS).emitWithAck("join", "news");
      const news = [];
      client.on("news", (value) => news.push(value));
      await controller.timeout(WAIT_MS).emitWithAck("to-room", "news", "news", 1);
      await waitUntil(() => news.length === 1, "the first news");

      const gone = once(client, "disconnect");
      client.io.engine.close(); // as a lost network would
      await gone;
      await controller.timeout(WAIT_MS).emitWithAck("to-room", "news", "news", 2);
      await controller.timeout(WAIT_MS).emitWithAck("to-room", "news", "news", { bytes: Buffer.from([2, 3]) });
      await once(client, "connect");

      assert.equal(client.recovered, true);
      assert.equal(client.id, firstId);
      await waitUntil(() => news.length === 3, "the missed events");
      assert.deepEqual(news, [1, 2, { bytes: Buffer.from([2, 3]) }]);
      client.disconnect();
    });
  }
});

test("two nodes on Redis, both msgpack: a broadcast from one reaches a client of the other", async () => {
  const key = `msgpack-e2e-${process.pid}-${Date.now()}`;
  const nodeA = await startJava(RECOVERY_FIXTURE, ["--parser", "msgpack", "--redis", REDIS_URL, "--key", key]);
  const nodeB = await startJava(RECOVERY_FIXTURE, ["--parser", "msgpack", "--redis", REDIS_URL, "--key", key]);
  const sockets = [];
  try {
    const listener = await connectedClient(nodeA.port, ["websocket"]);
    const sender = await connectedClient(nodeB.port, ["polling"]);
    sockets.push(listener, sender);
    await listener.timeout(WAIT_MS).emitWithAck("join", "cluster-room");
    const received = once(listener, "hello", { timeout: 10_000 });
    // the subscription on node A may take a moment: ask again until one arrives
    const value = { text: "from B", bytes: Buffer.from([1, 2, 250]) };
    let answered = false;
    received.then(() => { answered = true; }, () => {});
    const deadline = Date.now() + 10_000;
    while (!answered && Date.now() < deadline) {
      await sender.timeout(WAIT_MS).emitWithAck("to-room", "cluster-room", "hello", value);
      await Promise.race([received.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    const [got] = await received;
    assert.deepEqual(got, value);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await nodeA.stop();
    await nodeB.stop();
  }
});
