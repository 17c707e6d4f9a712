// Connection state recovery with the real socket.io-client: a client whose transport drops comes back with the
// same id, its rooms and data, and every event it missed, once and in order.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startJava } from "./support/server.mjs";

const FIXTURE = "io.switchboard.recovery.RecoveryFixture";
const TRANSPORTS = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
};

function once(emitter, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

function connect(port, options = {}) {
  return io(`http://127.0.0.1:${port}`, { reconnectionDelay: 50, reconnectionDelayMax: 100, ...options });
}

async function connected(socket) {
  if (!socket.connected) await once(socket, "connect");
  return socket;
}

/** Drops the client's transport the way a lost network does (the server sees "transport close"). */
async function dropTransport(socket) {
  const disconnected = once(socket, "disconnect");
  socket.io.engine.close();
  await disconnected;
}

function collect(socket, event) {
  const received = [];
  socket.on(event, (value) => received.push(value));
  return received;
}

async function waitUntil(predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// the same behaviour with the log in memory and in Redis (a cluster's store, here with one node)
const STORES = {
  memory: () => [],
  // a generous store timeout: on a busy machine a Redis round trip can take a while, and these tests are about what
  // is recovered (RecoveryStallTest covers the timeout)
  redis: () => ["--redis", REDIS_URL, "--key", `recovery-one-${process.pid}-${Date.now()}`, "--store-timeout", "10000"],
};

for (const [store, storeArgs] of Object.entries(STORES))
describe(`connection state recovery (${store} store)`, () => {
  let server;
  let controller;

  before(async () => {
    server = await startJava(FIXTURE, storeArgs());
    controller = await connected(connect(server.port));
  });

  after(async () => {
    controller?.disconnect();
    await server?.stop();
  });

  for (const [mode, transportOptions] of Object.entries(TRANSPORTS)) {
    test(`${mode}: missed room and direct events arrive once, in order, with the same id, rooms and data`, async () => {
      const client = await connected(connect(server.port, transportOptions));
      const firstId = client.id;
      await client.emitWithAck("join", "news");
      await client.emitWithAck("set-data", "name", "ada");
      const news = collect(client, "news");
      const direct = collect(client, "direct");

      await controller.emitWithAck("to-room", "news", "news", 1);
      await waitUntil(() => news.length === 1, "the first news");

      await dropTransport(client);
      for (let i = 2; i <= 4; i++) {
        await controller.emitWithAck("to-room", "news", "news", i);
        await controller.emitWithAck("to-room", firstId, "direct", i);
      }
      await once(client, "connect");

      assert.equal(client.recovered, true);
      assert.equal(client.id, firstId);
      await waitUntil(() => news.length === 4 && direct.length === 3, "the missed events");
      assert.deepEqual(news, [1, 2, 3, 4]);
      assert.deepEqual(direct, [2, 3, 4]);
      const rooms = await client.emitWithAck("rooms");
      assert.deepEqual(rooms.sort(), [firstId, "news"].sort());
      assert.deepEqual(await client.emitWithAck("get-data"), { name: "ada" });

      await controller.emitWithAck("to-room", "news", "news", 5);
      await waitUntil(() => news.length === 5, "a new event after recovery");
      assert.deepEqual(news, [1, 2, 3, 4, 5]);
      client.disconnect();
    });
  }

  test("missed binary comes back as binary", async () => {
    const client = await connected(connect(server.port, { transports: ["websocket"] }));
    await client.emitWithAck("join", "files");
    const files = collect(client, "file");
    await dropTransport(client);
    await controller.emitWithAck("to-room", "files", "file", Buffer.from([1, 2, 3]));
    await once(client, "connect");
    assert.equal(client.recovered, true);
    await waitUntil(() => files.length === 1, "the missed file");
    assert.ok(Buffer.isBuffer(files[0]) || files[0] instanceof ArrayBuffer, `got ${JSON.stringify(files[0])}`);
    assert.deepEqual([...new Uint8Array(files[0])], [1, 2, 3]);
    client.disconnect();
  });

  test("a client that had received nothing before the drop still recovers what it missed", async () => {
    const client = connect(server.port, { transports: ["websocket"] });
    const [welcome] = await once(client, "welcome");
    assert.equal(welcome.recovered, false);
    await client.emitWithAck("join", "quiet");
    const quiet = collect(client, "quiet");
    // the welcome event carried an offset; forget it, as a client that received nothing would have none
    client._lastOffset = undefined;

    await dropTransport(client);
    await controller.emitWithAck("to-room", "quiet", "quiet", "missed");
    await once(client, "connect");

    assert.equal(client.recovered, true);
    await waitUntil(() => quiet.length === 1, "the missed event");
    assert.deepEqual(quiet, ["missed"]);
    client.disconnect();
  });

  test("the connection handler sees the recovered socket", async () => {
    const client = connect(server.port, { transports: ["websocket"] });
    const [first] = await once(client, "welcome");
    assert.deepEqual(first, { id: client.id, recovered: false });
    await dropTransport(client);
    const [welcome] = await once(client, "welcome");
    assert.deepEqual(welcome, { id: first.id, recovered: true });
    client.disconnect();
  });

  test("an explicit disconnect is not recovered", async () => {
    const client = await connected(connect(server.port, { transports: ["websocket"] }));
    const firstId = client.id;
    client.disconnect();
    client.connect();
    await once(client, "connect");
    assert.equal(client.recovered, false);
    assert.notEqual(client.id, firstId);
    client.disconnect();
  });
});

describe("connection state recovery limits", () => {
  test("a session expires after maxDisconnectionDuration", async () => {
    const server = await startJava(FIXTURE, ["--max-disconnection", "300"]);
    try {
      const client = await connected(connect(server.port, { transports: ["websocket"], reconnection: false }));
      const firstId = client.id;
      await dropTransport(client);
      // expiry is a matter of time passing: wait past the window, then come back
      await new Promise((resolve) => setTimeout(resolve, 600));
      client.connect();
      await once(client, "connect");
      assert.equal(client.recovered, false);
      assert.notEqual(client.id, firstId);
      client.disconnect();
    } finally {
      await server.stop();
    }
  });

  for (const skip of [true, false]) {
    test(`middlewares ${skip ? "are skipped" : "run again"} on recovery when skipMiddlewares is ${skip}`, async () => {
      const server = await startJava(FIXTURE, ["--skip-middlewares", String(skip)]);
      try {
        const client = await connected(connect(server.port, { transports: ["websocket"] }));
        assert.equal(await client.emitWithAck("middleware-runs"), 1);
        await dropTransport(client);
        await once(client, "connect");
        assert.equal(client.recovered, true);
        assert.equal(await client.emitWithAck("middleware-runs"), skip ? 1 : 2);
        client.disconnect();
      } finally {
        await server.stop();
      }
    });
  }
});
