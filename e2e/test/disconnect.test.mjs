// Every disconnect reason a client can observe, and the reason the server gives for the same
// disconnection (reported to an observer socket by the fixture as "peer-disconnect").
//
// What socket.io-client 4.8 reports:
//   server socket.disconnect()          -> "io server disconnect" (no reconnection)
//   client socket.disconnect()          -> "io client disconnect" (no reconnection)
//   client closes its engine            -> "forced close"         (reconnects)
//   server process killed (SIGKILL)     -> "transport close" over websocket, "transport error" over polling
//   server closed (SIGTERM, close())    -> "transport close"      (reconnects)
//   server frozen (SIGSTOP)             -> "ping timeout"         (reconnects)
//   server socket.disconnect(true)      -> "io server disconnect" for every namespace of the connection

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  connected,
  forEachMode,
  freshNamespace,
  once,
  Session,
  startFixture,
  useFixture,
  withTimeout,
  WAIT_MS,
} from "./support/clients.mjs";

// short enough for a client dying between two polls to be noticed soon, long enough for a loaded machine
const fixture = useFixture(["--ping-interval", "1000", "--ping-timeout", "1000"]);

/**
 * Runs `body` with an E2eServer of its own (to kill, stop, freeze), and a Session on it. The default
 * heartbeat (25 s + 20 s) unless `args` say otherwise, so that only the case's own cause shows.
 */
async function withOwnServer(mode, body, args = []) {
  const server = await startFixture(args);
  const session = new Session(`http://127.0.0.1:${server.port}`, mode);
  try {
    await body(server, session);
  } finally {
    session.close();
    if (server.process.signalCode === null && server.process.exitCode === null) {
      server.process.kill("SIGCONT");
    }
    await server.stop(2_000);
  }
}

forEachMode("server socket.disconnect(): \"io server disconnect\", and no reconnection", fixture, async (session) => {
  const observer = await session.observer();
  const socket = await session.connect();
  const id = socket.id;
  const disconnected = once(socket, "disconnect");
  socket.emit("disconnect-me");
  const [reason] = await disconnected;
  assert.equal(reason, "io server disconnect");
  assert.equal(socket.connected, false);
  assert.equal(socket.active, false, "the client does not reconnect after a server disconnect");
  assert.equal(await observer.disconnectReason(id), "server namespace disconnect");
});

forEachMode("client socket.disconnect(): \"io client disconnect\"", fixture, async (session) => {
  const observer = await session.observer();
  const socket = await session.connect();
  const id = socket.id;
  const disconnected = once(socket, "disconnect");
  socket.disconnect();
  const [reason] = await disconnected;
  assert.equal(reason, "io client disconnect");
  assert.equal(socket.active, false);
  assert.equal(await observer.disconnectReason(id), "client namespace disconnect");
});

forEachMode("leaving one namespace of a Manager: only that one is disconnected", fixture, async (session) => {
  const observer = await session.observer();
  const manager = session.manager();
  const nsp = freshNamespace();
  const root = session.client({ manager, nsp: "/" });
  const dynamic = session.client({ manager, nsp });
  await Promise.all([connected(root), connected(dynamic)]);
  const dynamicId = dynamic.id;
  dynamic.disconnect();
  assert.equal(await observer.disconnectReason(dynamicId, nsp), "client namespace disconnect");
  assert.equal(root.connected, true);
  assert.deepEqual(await root.timeout(WAIT_MS).emitWithAck("echo-ack", "alive"), "alive");

  // and a server-side disconnect of the other namespace leaves the root one alone too
  const again = session.client({ manager, nsp });
  await connected(again);
  const disconnected = once(again, "disconnect");
  again.emit("disconnect-me");
  assert.deepEqual(await disconnected, ["io server disconnect", undefined]);
  assert.equal(root.connected, true);
  assert.deepEqual(await root.timeout(WAIT_MS).emitWithAck("echo-ack", "still alive"), "still alive");
});

forEachMode("server socket.disconnect(true) closes the connection: every namespace of it is disconnected", fixture, async (session) => {
  const observer = await session.observer();
  const manager = session.manager();
  const nsp = freshNamespace();
  const root = session.client({ manager, nsp: "/" });
  const dynamic = session.client({ manager, nsp });
  await Promise.all([connected(root), connected(dynamic)]);
  await Promise.all([root.inbox.peek("auth"), dynamic.inbox.peek("auth")]); // settled in, well after connecting
  const [rootId, dynamicId] = [root.id, dynamic.id];
  const rootGone = once(root, "disconnect");
  const dynamicGone = once(dynamic, "disconnect");
  dynamic.emit("close-me");
  // the server sends DISCONNECT for each namespace before it closes: "io server disconnect" for both
  assert.equal((await rootGone)[0], "io server disconnect");
  assert.equal((await dynamicGone)[0], "io server disconnect");
  assert.equal(root.active, false);
  assert.equal(dynamic.active, false);
  assert.equal(await observer.disconnectReason(rootId), "server namespace disconnect");
  assert.equal(await observer.disconnectReason(dynamicId, nsp), "server namespace disconnect");
});

forEachMode("a connection handler that disconnects the socket at once: \"io server disconnect\"", fixture, async (session) => {
  const observer = await session.observer();
  const socket = session.client({ nsp: "/kick-on-connect" });
  // both listeners at once: CONNECT and DISCONNECT may come in one read
  let id;
  socket.once("connect", () => {
    id = socket.id;
  });
  const [reason] = await once(socket, "disconnect", { failOn: ["connect_error"] });
  assert.ok(id, "connected first");
  assert.deepEqual(socket.inbox.all("bye"), [["kicked"]], "what the handler emitted first arrived");
  assert.equal(reason, "io server disconnect");
  assert.equal(socket.active, false, "no reconnection");
  assert.equal(await observer.disconnectReason(id, "/kick-on-connect"), "server namespace disconnect");
});

// The reference server writes CONNECT, then what the handler emitted, then DISCONNECT, then closes: the
// client stops with "io server disconnect". If it saw "transport close" instead, it would reconnect, be
// closed again, and so on.
forEachMode("a connection handler that closes the connection at once (disconnect(true)): \"io server disconnect\", no reconnection", fixture, async (session) => {
  const observer = await session.observer();
  const socket = session.client({ nsp: "/close-on-connect" });
  let connects = 0;
  socket.on("connect", () => {
    connects += 1;
  });
  let id;
  socket.once("connect", () => {
    id = socket.id;
  });
  const [reason] = await once(socket, "disconnect", { failOn: ["connect_error"] });
  assert.ok(id, "connected first");
  assert.equal(await observer.disconnectReason(id, "/close-on-connect"), "server namespace disconnect");
  assert.deepEqual(
    { reason, active: socket.active, bye: socket.inbox.all("bye") },
    { reason: "io server disconnect", active: false, bye: [["closed"]] },
  );
  assert.equal(connects, 1);
});

forEachMode("the client closes its connection: \"forced close\", the server sees \"transport close\", the client reconnects", fixture, async (session) => {
  const observer = await session.observer();
  const socket = await session.connect();
  const id = socket.id;
  const disconnected = once(socket, "disconnect");
  socket.io.engine.close();
  assert.equal((await disconnected)[0], "forced close");
  assert.equal(await observer.disconnectReason(id), "transport close");
  await connected(socket); // reconnected by itself (and upgraded again in "upgrade" mode)
  assert.notEqual(socket.id, id);
  assert.deepEqual(await socket.timeout(WAIT_MS).emitWithAck("echo-ack", "back"), "back");
});

// A socket whose connection drops just after the CONNECT reply, before the server ran its connection
// handlers (Switchboard runs them 1 ms later), must still end with a disconnect the application sees.
forEachMode("a client that drops right after connecting is reported disconnected", fixture, async (session) => {
  const observer = await session.observer();
  const socket = session.client({ reconnection: false });
  const [id] = await new Promise((resolve) => {
    socket.once("connect", () => {
      const connectedId = socket.id;
      socket.io.engine.close(); // synchronously, in the connect handler
      resolve([connectedId]);
    });
  });
  assert.equal(await observer.disconnectReason(id), "transport close");
});

forEachMode("the client process dies: the server notices", fixture, async (session, mode) => {
  const observer = await session.observer();
  const script = fileURLToPath(new URL("./support/lone-client.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, session.url, mode], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await withTimeout(
      new Promise((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const match = /connected (\S+) (\S+)\n/.exec(out);
          if (match) resolve(match);
        });
        child.once("exit", (code) => reject(new Error(`lone client exited with ${code}`)));
      }),
      WAIT_MS,
      "the lone client to connect",
    );
    const [, id, transport] = line;
    assert.equal(transport, mode === "polling" ? "polling" : "websocket");
    child.kill("SIGKILL");
    const reason = await observer.disconnectReason(id);
    // websocket: the kernel closes the TCP connection with FIN ("transport close"), or with RST when data was
    // still unread ("transport error"); polling: the pending GET is cut ("transport error"), or, should the
    // client die between two polls, the heartbeat notices ("ping timeout")
    const expected = transport === "websocket" ? ["transport close", "transport error"]
      : ["transport error", "ping timeout"];
    assert.ok(expected.includes(reason), reason);
  } finally {
    child.kill("SIGKILL");
  }
});

forEachMode("the server process is killed: \"transport close\" (websocket) or \"transport error\" (polling), then reconnection attempts", fixture, async (_, mode) => {
  await withOwnServer(mode, async (server, session) => {
    const socket = await session.connect();
    const disconnected = once(socket, "disconnect");
    const attempt = once(socket.io, "reconnect_attempt");
    server.process.kill("SIGKILL");
    const [reason] = await disconnected;
    assert.equal(reason, mode === "polling" ? "transport error" : "transport close");
    assert.equal(socket.active, true, "the client will reconnect");
    await attempt;
  });
}, { timeout: 30_000 });

forEachMode("the server shuts down (SIGTERM, server.close()): \"transport close\", then reconnection attempts", fixture, async (_, mode) => {
  await withOwnServer(mode, async (server, session) => {
    const socket = await session.connect();
    const disconnected = once(socket, "disconnect");
    const attempt = once(socket.io, "reconnect_attempt");
    server.process.kill("SIGTERM");
    const [reason] = await disconnected;
    assert.equal(reason, "transport close");
    assert.equal(socket.active, true, "the client will reconnect");
    await attempt;
    await server.exited;
  });
}, { timeout: 30_000 });

forEachMode("the server stops answering (SIGSTOP): \"ping timeout\"; once it resumes the client reconnects", fixture, async (_, mode) => {
  await withOwnServer(mode, async (server, session) => {
    const socket = await session.connect();
    const firstId = socket.id;
    const disconnected = once(socket, "disconnect");
    server.process.kill("SIGSTOP");
    const [reason] = await disconnected; // pingInterval + pingTimeout = 600 ms without a ping
    assert.equal(reason, "ping timeout");
    const reconnected = once(socket, "connect", { timeout: 10_000 });
    server.process.kill("SIGCONT");
    await reconnected;
    await connected(socket);
    assert.notEqual(socket.id, firstId);
    assert.deepEqual(await socket.timeout(WAIT_MS).emitWithAck("echo-ack", "resumed"), "resumed");
  }, ["--ping-interval", "300", "--ping-timeout", "300"]);
}, { timeout: 30_000 });
