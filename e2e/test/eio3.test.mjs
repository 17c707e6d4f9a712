// Engine.IO 3 clients (allowEIO3): the real socket.io-client 2.x from npm (Socket.IO protocol 4) against a server
// started with allowEIO3, over websocket, polling and the upgrade: the implicit connection to "/", events, acks both
// ways, binary both ways, namespaces with the handshake query as auth, refusals as the v2 client reads them, rooms,
// a broadcast reaching a v2 and a v4 client together, and reconnection.
import assert from "node:assert/strict";
import ioV2 from "socket.io-client-v2";
import { forEachMode, Inbox, MODES, once, unique, useFixture, WAIT_MS, withTimeout } from "./support/clients.mjs";

const fixture = useFixture(["--allow-eio3"]);

/**
 * A socket.io-client 2 socket with the helpers of the v4 tests: `inbox` (every event received, from the start),
 * `next(event)`, and in "upgrade" mode `upgraded` (the engine's upgrade event). Client 2 has no onAny: the socket's
 * onevent is wrapped to give the Inbox one.
 */
function clientV2(mode, nsp = "/", options = {}) {
  const socket = ioV2(`${fixture.url}${nsp}`, {
    transports: MODES[mode].transports,
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    randomizationFactor: 0,
    timeout: WAIT_MS,
    ...options,
  });
  const anyListeners = [];
  const onevent = socket.onevent.bind(socket);
  socket.onevent = (packet) => {
    const [event, ...args] = packet.data || [];
    for (const listener of [...anyListeners]) listener(event, ...args);
    onevent(packet);
  };
  socket.onAny = (listener) => anyListeners.push(listener);
  socket.offAny = (listener) => anyListeners.splice(anyListeners.indexOf(listener), 1);
  socket.inbox = new Inbox(socket);
  socket.next = (event, timeout) => socket.inbox.next(event, timeout);
  socket.mode = mode;
  watchUpgrade(socket);
  return socket;
}

/** The upgrade of the socket's current engine, watched again on each reconnection (a new engine each time). */
function watchUpgrade(socket) {
  if (socket.mode !== "upgrade") return;
  const watch = () => {
    const engine = socket.io.engine;
    socket.upgraded = withTimeout(new Promise((resolve) => engine.once("upgrade", (t) => resolve(t.name))),
      WAIT_MS, "the engine's upgrade event");
    socket.upgraded.catch(() => {});
  };
  watch();
  socket.io.on("reconnect_attempt", () => setImmediate(watch));
}

/** A v2 socket connected to its namespace (the server's connection handler has run), upgraded in "upgrade" mode. */
async function connectV2(sockets, mode, nsp = "/", options = {}) {
  const socket = clientV2(mode, nsp, options);
  sockets.push(socket);
  await once(socket, "connect", { failOn: ["error", "connect_error"] });
  await settled(socket);
  await socket.inbox.peek("auth");
  return socket;
}

async function settled(socket) {
  if (socket.mode === "upgrade") assert.equal(await socket.upgraded, "websocket");
  assert.equal(socket.io.engine.transport.name, socket.mode === "polling" ? "polling" : "websocket");
}

/** An emit whose acknowledgement is awaited (client 2 has no emitWithAck). */
function emitAck(socket, event, ...args) {
  return withTimeout(new Promise((resolve) => socket.emit(event, ...args, (...answer) => resolve(answer))),
    WAIT_MS, `the ack of "${event}"`);
}

/** Declares a case in each mode with a list of v2 sockets closed afterwards. */
function eachMode(title, body, options) {
  forEachMode(title, fixture, async (session, mode) => {
    const sockets = [];
    try {
      await body(sockets, mode, session);
    } finally {
      // the manager too: a socket's close leaves it open while another socket of it (or a refused one) remains
      for (const socket of sockets) {
        socket.close();
        socket.io.close();
      }
    }
  }, options);
}

const RICH = { text: "h\u00e9llo \u{1F600} \u4e16\u754c", n: 2 ** 40, f: 1.5, neg: -3, t: true, nil: null,
  list: [1, "two", { three: [3] }] };

eachMode("the implicit connection to the main namespace: the socket's id is the engine's, events both ways",
  async (sockets, mode) => {
    const socket = await connectV2(sockets, mode);
    assert.equal(socket.io.engine.id.length > 0, true);
    assert.equal(socket.id, socket.io.engine.id, "client 2 names its socket after the engine");
    assert.deepEqual(await socket.next("auth"), [{}]);
    const info = (await emitAck(socket, "whoami"))[0];
    assert.equal(info.id, socket.id, "the server's socket id is the client's");
    assert.equal(info.transport, mode === "polling" ? "polling" : "websocket");
    socket.emit("echo", RICH, "second", 42);
    assert.deepEqual(await socket.next("echo"), [RICH, "second", 42]);
  });

eachMode("acks both ways", async (sockets, mode) => {
  const socket = await connectV2(sockets, mode);
  assert.deepEqual(await emitAck(socket, "echo-ack", RICH, [1, 2]), [RICH, [1, 2]]);
  const question = once(socket, "question");
  await emitAck(socket, "ask-client", { tag: "q", timeout: WAIT_MS, args: ["why?", 1.5] });
  const [why, number, ack] = await question;
  assert.deepEqual([why, number], ["why?", 1.5]);
  ack("because", { deep: [true] });
  const [report] = await socket.next("answer");
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.deepEqual(report.args, ["because", { deep: [true] }]);
});

eachMode("binary both ways, every byte value, in events and acks", async (sockets, mode) => {
  const socket = await connectV2(sockets, mode);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  socket.emit("echo", { nested: [all, { more: Buffer.from([1, 2, 3]) }] }, "text");
  const [echoed, text] = await socket.next("echo");
  assert.ok(Buffer.isBuffer(echoed.nested[0]), "binary came back as binary");
  assert.deepEqual(echoed, { nested: [all, { more: Buffer.from([1, 2, 3]) }] });
  assert.equal(text, "text");
  assert.deepEqual(await emitAck(socket, "echo-ack", all), [all]);
  // the server's own binary: an event with two attachments and an ack with one
  const [ackSample] = await emitAck(socket, "emit-binary");
  const [sample, bytes] = await socket.next("binary");
  assert.ok(Buffer.isBuffer(bytes));
  assert.deepEqual([...bytes], [...all]);
  assert.ok(sample !== undefined && ackSample !== undefined);
  assert.deepEqual(ackSample, sample);
});

eachMode("binary over polling as base64 when the client asks (b64)", async (sockets, mode) => {
  const socket = await connectV2(sockets, mode, "/", { forceBase64: true });
  const bytes = Buffer.from([0, 255, 10, 13, 58, 0xff]);
  socket.emit("echo", bytes);
  const [echoed] = await socket.next("echo");
  assert.deepEqual([...Buffer.from(echoed)], [...bytes]);
}, { modes: ["polling", "websocket"] });

eachMode("namespaces: the CONNECT's query is the auth, ids are <nsp>#<engine id>, refusals as client 2 reads them",
  async (sockets, mode) => {
    const nsp = await connectV2(sockets, mode, "/auth-ns", { query: { token: "good", extra: "a b" } });
    assert.equal(nsp.id, `/auth-ns#${nsp.io.engine.id}`);
    const [auth] = await nsp.next("auth");
    assert.equal(auth.token, "good");
    assert.equal(auth.extra, "a b");
    const info = (await emitAck(nsp, "whoami"))[0];
    assert.equal(info.id, nsp.id);
    assert.equal(info.nsp, "/auth-ns");
    nsp.emit("echo", "in a namespace");
    assert.deepEqual(await nsp.next("echo"), ["in a namespace"]);

    // a dynamic namespace, over the same connection as the main one
    const main = clientV2(mode, "/");
    sockets.push(main);
    await once(main, "connect");
    const dynamic = main.io.socket("/dyn-7");
    await once(dynamic, "connect", { failOn: ["error"] });
    assert.equal(dynamic.id, `/dyn-7#${main.io.engine.id}`);
    dynamic.emit("echo", 7);
    const [seven] = await once(dynamic, "echo");
    assert.equal(seven, 7);

    // refused by a middleware: the error's data, or else its message, as the error event's argument
    const refused = clientV2(mode, "/auth-ns", { query: { token: "bad" } });
    sockets.push(refused);
    assert.deepEqual(await once(refused, "error"), [{ code: 401 }]);
    const plain = clientV2(mode, "/plain-refusal");
    sockets.push(plain);
    assert.deepEqual(await once(plain, "error"), ["plain failure"]);
  });

eachMode("rooms, and a broadcast that reaches a v2 and a v4 client together, text and binary",
  async (sockets, mode, session) => {
    const room = unique("mixed");
    const v2 = await connectV2(sockets, mode);
    const v4 = await session.connect();
    assert.deepEqual(await emitAck(v2, "join", room), [[room, v2.id].sort()]);
    await v4.timeout(WAIT_MS).emitWithAck("join", room);
    const outsider = await connectV2(sockets, mode);
    const bytes = Buffer.from([1, 2, 3, 250]);
    const event = unique("news");
    const barrier = unique("barrier");
    await v4.timeout(WAIT_MS).emitWithAck("to-room", { room, event, args: ["hello", { bytes }], barrier });
    for (const socket of [v2, v4]) {
      const [text, { bytes: received }] = await socket.next(event);
      assert.equal(text, "hello");
      assert.deepEqual([...received], [...bytes]);
    }
    await outsider.next(barrier);
    assert.equal(outsider.inbox.count(event), 0, "a socket outside the room got nothing");

    // the v2 client's own broadcast reaches the v4 client; the v2 one, the sender, is left out
    await emitAck(v2, "socket-to-room", { room, event: "from-v2", args: [RICH] });
    assert.deepEqual(await v4.next("from-v2"), [RICH]);
    assert.deepEqual(await emitAck(v2, "leave", room), [[v2.id]]);
  });

eachMode("reconnection: a dropped connection comes back on a new engine with a new id", async (sockets, mode) => {
  const socket = await connectV2(sockets, mode);
  const firstId = socket.id;
  const reconnected = once(socket, "reconnect", { timeout: 15_000 });
  socket.io.engine.close(); // the connection goes, as the network would drop it; the manager reconnects
  await reconnected;
  if (!socket.connected) await once(socket, "connect");
  await settled(socket);
  assert.notEqual(socket.id, firstId);
  assert.equal(socket.id, socket.io.engine.id);
  const info = (await emitAck(socket, "whoami"))[0];
  assert.equal(info.id, socket.id);
  socket.emit("echo", "after reconnecting");
  assert.deepEqual(await socket.next("echo"), ["after reconnecting"]);
}, { timeout: 30_000 });

eachMode("limits as for v4: more than ten attachments drops the v2 client; a v4 canary stays served",
  async (sockets, mode, session) => {
    const canary = await session.connect();
    const socket = await connectV2(sockets, mode);
    const disconnected = once(socket, "disconnect");
    socket.emit("echo", Array.from({ length: 11 }, (_, i) => Buffer.from([i])));
    const [reason] = await disconnected;
    assert.equal(reason, "transport close");
    canary.emit("echo", "still here");
    assert.deepEqual(await canary.next("echo"), ["still here"]);
    // ten are allowed
    if (!socket.connected) await once(socket, "connect", { timeout: 15_000 });
    await settled(socket);
    socket.emit("echo", Array.from({ length: 10 }, (_, i) => Buffer.from([i])));
    const [echoed] = await socket.next("echo");
    assert.equal(echoed.length, 10);
  }, { timeout: 30_000 });
