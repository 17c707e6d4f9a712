// No sticky sessions: three E2eServer nodes with the cluster engine on one Redis (127.0.0.1:6379 or $REDIS_URL),
// behind the repository's NGINX with nginx/upstreams-any-node.conf (round robin, no ip_hash), socket.io-client
// connecting only through NGINX from one address. Every request of a session may land on any node; the node a
// session's id names serves it through the others (relayed over Redis).
//
//   (a) polling, upgraded and websocket clients: events, acks both ways, binary both ways, rooms and broadcasts;
//       the handshakes of clients from one address land on all three nodes, and NGINX's log shows the requests of
//       one polling session served by several nodes
//   (b) recovery: a client whose connection drops gets its id back and the broadcast it missed, on whichever node
//   (c) kill -9 of the node that owns sessions: its clients (and websockets it bridged) reconnect through NGINX and
//       recover on the others; the clients of the other nodes stay served
//   (d) Redis stalls (the nodes reach it through a TCP proxy the test pauses): the relayed requests of a polling
//       session fail within their bound (pingInterval 5 s + forward timeout 5 s), none hangs; after Redis answers
//       again the client is served
//
// The NGINX access log is rendered with the serving node's address per request (a test-only log format).
// Nothing sleeps to synchronise: every wait is on an event or a condition, with a deadline.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { freePort, nginxExecutable, startNginx, until } from "./support/nginx.mjs";
import { startJava } from "./support/server.mjs";
import { FIXTURE_CLASS, Inbox, once } from "./support/clients.mjs";
import { startProxy } from "./support/proxy.mjs";
import { assertRedis } from "./support/redis.mjs";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const KEY = `e2e-any-node-${process.pid}-${Date.now()}`;
const MODES = {
  polling: ["polling"],
  upgrade: ["polling", "websocket"],
  websocket: ["websocket"],
};
const ROOM = "everyone";
const WAIT = 10_000;


let nodes = [];
let nginx;
let redisProxy;
const clients = [];

/** A client through NGINX; answers "question" by acking ["answer", ...args]; records every event. */
function connectClient(mode) {
  const socket = io(nginx.url, {
    forceNew: true,
    transports: MODES[mode],
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    timeout: WAIT,
  });
  const c = { mode, socket, inbox: new Inbox(socket), errors: [], disconnects: [] };
  socket.on("question", (...args) => {
    const ack = args.pop();
    ack("answer", ...args);
  });
  socket.on("connect_error", (error) => c.errors.push(`connect_error: ${error.message} ${error.description?.message ?? error.description ?? ""}`));
  socket.io.on("error", (error) => c.errors.push(`manager error: ${error.message} ${error.description?.message ?? ""}`));
  socket.on("disconnect", (reason) => c.disconnects.push(reason));
  clients.push(c);
  return c;
}

async function ready(c) {
  try {
    if (!c.socket.connected) await once(c.socket, "connect", { timeout: WAIT * 2 });
    if (c.mode === "upgrade" && c.socket.io.engine.transport.name !== "websocket") {
      await once(c.socket.io.engine, "upgrade", { timeout: WAIT * 2 });
    }
  } catch (error) {
    throw new Error(`${c.mode} client: ${error.message}; errors: ${c.errors.join("; ")}; engine ${c.socket.io.engine?.id} ${c.socket.io.engine?.readyState}`);
  }
  assert.equal(c.socket.io.engine.transport.name, c.mode === "polling" ? "polling" : "websocket");
  return c;
}

/** The node (index) that owns the client's session: the tag its Engine.IO id begins with. */
function ownerOf(c) {
  const tag = c.socket.io.engine.id.slice(0, 6);
  const index = nodes.findIndex((n) => n.tag === tag);
  assert.ok(index >= 0, `session ${c.socket.io.engine.id} names no node (${nodes.map((n) => n.tag)})`);
  return index;
}

/** An emit with an ack, its ack's arguments. */
function call(c, event, ...args) {
  return new Promise((resolve, reject) => {
    c.socket.timeout(WAIT).emit(event, ...args, (error, ...answer) => (error ? reject(error) : resolve(answer)));
  });
}

before(async () => {
  await assertRedis(REDIS_URL, "cluster-any-node test");
  nginxExecutable();
  redisProxy = await startProxy(Number(new URL(REDIS_URL).port || 6379));
  const args = ["--redis", `redis://127.0.0.1:${redisProxy.port}`, "--redis-key", KEY, "--cluster-engine", "true", "--recovery", "60000",
    "--ping-interval", "5000", "--ping-timeout", "10000", "--cluster-forward-timeout", "5000"];
  nodes = await Promise.all([0, 1, 2].map(() => startJava(FIXTURE_CLASS, args, { timeoutMs: 60_000 })));
  for (const node of nodes) {
    const match = node.output().match(/cluster node tag (\S{6})/);
    assert.ok(match, `no node tag in ${node.output()}`);
    node.tag = match[1];
  }
  assert.equal(new Set(nodes.map((n) => n.tag)).size, 3);
  nginx = await startNginx(nodes.map((n) => n.port), await freePort(),
    { upstreams: "upstreams-any-node.conf", readyPath: "/socket.io/?EIO=4&transport=polling", logUpstreams: true });
});

after(async () => {
  for (const c of clients) {
    c.socket.io.reconnection(false);
    c.socket.disconnect();
  }
  await nginx?.stop();
  await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
  await redisProxy?.close();
});

test("(a) every mode through a round-robin NGINX: events, acks both ways, binary, rooms, broadcasts; sessions of one address on every node", async () => {
  const made = [];
  for (let i = 0; i < 3; i += 1) for (const mode of Object.keys(MODES)) made.push(connectClient(mode));
  await Promise.all(made.map(ready));

  // clients from one address: their sessions belong to all three nodes
  const owners = new Set(made.map(ownerOf));
  assert.equal(owners.size, 3, `sessions on nodes ${[...owners]}`);

  for (const c of made) {
    // client -> server with ack, server -> client with ack
    assert.deepEqual(await call(c, "echo-ack", "hi", { n: 1, mode: c.mode }), ["hi", { n: 1, mode: c.mode }]);
    const [report] = await Promise.all([c.inbox.next("answer", WAIT), call(c, "ask-client", { timeout: 5000, args: ["q", 2], tag: c.mode })]);
    assert.deepEqual(report[0], { tag: c.mode, ok: true, args: ["answer", "q", 2] });
    // binary both ways: an attachment in, the same bytes back in the ack; the server's own binary event
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const [echoed] = await call(c, "echo-ack", bytes);
    assert.deepEqual(Buffer.from(echoed), bytes);
    const [[sample, all], [acked]] = await Promise.all([c.inbox.next("binary", WAIT), call(c, "emit-binary")]);
    assert.deepEqual(Buffer.from(all), Buffer.from([...Array(256).keys()]));
    for (const value of [sample, acked]) assert.deepEqual(Buffer.from(value.head), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    assert.deepEqual(await call(c, "join", ROOM), [[c.socket.id, ROOM].sort()]);
  }

  // a room broadcast from a polling client reaches every client, on every node
  await call(made[0], "to-room", { room: ROOM, event: "hello", args: ["all", 1] });
  await Promise.all(made.map((c) => c.inbox.next("hello", WAIT)));
  // a broadcast to the others from a websocket client
  const sender = made.find((c) => c.mode === "websocket");
  await call(sender, "broadcast", { event: "others", args: [] });
  await Promise.all(made.filter((c) => c !== sender).map((c) => c.inbox.next("others", WAIT)));

  for (const c of made) {
    assert.deepEqual(c.errors, [], `${c.mode} had errors`);
    assert.deepEqual(c.disconnects, [], `${c.mode} was disconnected`);
  }

  // NGINX's log: the requests of each polling session went to more than one node, and all of them were answered
  const lines = nginx.accessLog();
  for (const c of made.filter((x) => x.mode === "polling")) {
    const served = new Set(lines.filter((line) => line.includes(`sid=${c.socket.io.engine.id}`)).map((line) => line.split(" ")[0]));
    assert.ok(served.size >= 2, `polling session ${c.socket.io.engine.id} served only by ${[...served]}`);
  }
});

test("(b) a client whose connection drops recovers its id, rooms and the broadcast it missed, on any node", async () => {
  const observer = await ready(connectClient("websocket"));
  for (const mode of Object.keys(MODES)) {
    const c = await ready(connectClient(mode));
    await call(c, "join", "recovering");
    const id = c.socket.id;
    c.socket.io.reconnection(false);
    const gone = once(c.socket, "disconnect", { timeout: WAIT });
    c.socket.io.engine.close();
    await gone;
    // the server learns of it (the owner ends the session), then the room gets a message the client misses
    await until(async () => (await call(observer, "rooms")) && true, { what: "observer answers" });
    await until(async () => {
      const [report] = await Promise.all([
        observer.inbox.next("answer", WAIT),
        call(observer, "ask-client", { timeout: 3000, args: [], tag: "probe" }),
      ]);
      return report[0].ok;
    }, { what: "observer served" });
    await call(observer, "to-room", { room: "recovering", event: "missed", args: [mode] });
    c.socket.connect();
    await once(c.socket, "connect", { timeout: WAIT });
    assert.equal(c.socket.recovered, true, `${mode} client did not recover`);
    assert.equal(c.socket.id, id);
    // (a recovering client's broadcasts carry their offset as a last argument)
    assert.equal((await c.inbox.next("missed", WAIT))[0], mode);
    c.socket.io.reconnection(true);
  }
});

test("(c) kill -9 of a node that owns sessions: its clients recover on the others; the other nodes' clients stay served", async () => {
  const made = [];
  for (let i = 0; i < 3; i += 1) for (const mode of Object.keys(MODES)) made.push(connectClient(mode));
  await Promise.all(made.map(ready));
  for (const c of made) await call(c, "join", "after-kill");
  const victim = ownerOf(made[0]);
  const owned = made.filter((c) => ownerOf(c) === victim);
  const ids = new Map(owned.map((c) => [c, c.socket.id]));
  const child = nodes[victim].process;
  const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve(signal)));
  // sooner than a ping timeout (5 + 10 s): a relay checks every second that the owners it bridges to are there
  const dropped = owned.map((c) => once(c.socket, "disconnect", { timeout: 8000 }));
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL");
  await Promise.all(dropped);

  // every client is connected again (some never left), those of the dead node recovered with their ids
  await until(() => made.every((c) => c.socket.connected), { timeout: WAIT * 3, what: "every client connected",
    describe: () => made.map((c) => `${c.mode}:${c.socket.connected}:${c.errors.slice(-2)}`).join(" ") });
  for (const c of owned) {
    assert.equal(c.socket.recovered, true, `${c.mode} client of the dead node did not recover`);
    assert.equal(c.socket.id, ids.get(c));
    assert.notEqual(ownerOf(c), victim);
  }
  // a client of another node whose websocket the dead node bridged lost its connection as in a network cut: it
  // recovers when the owner ended its old session before it came back (the owner checks its relays every second),
  // else it starts afresh and joins again
  for (const c of made.filter((x) => !owned.includes(x) && x.disconnects.length > 0 && !x.socket.recovered)) {
    await call(c, "join", "after-kill");
  }
  // a broadcast reaches everyone again, in the rooms they had
  const sender = made.find((c) => !owned.includes(c));
  await until(async () => {
    await call(sender, "to-room", { room: "after-kill", event: "alive", args: [] });
    return true;
  }, { timeout: WAIT, what: "the sender's broadcast" });
  await until(() => made.every((c) => c.inbox.count("alive") > 0), { timeout: WAIT * 2, what: "everyone alive",
    describe: () => made.map((c) => `${c.mode}/${owned.includes(c) ? "owned" : "other"}/${c.socket.recovered}/${c.disconnects}:${c.inbox.count("alive")}`).join(" ") });
});

test("(d) Redis stalls: relayed polling requests fail within their bound, none hangs; served again after", async () => {
  const c = await ready(connectClient("polling"));
  const sid = c.socket.io.engine.id;
  const bound = 5000 + 5000; // pingInterval + cluster forward timeout
  const gone = once(c.socket, "disconnect", { timeout: 30_000 });
  const pausedAt = Date.now();
  redisProxy.pause();
  try {
    // the session's next request that lands on another node than its owner cannot reach the owner
    c.socket.emit("echo-ack", "during the stall", () => {});
    const [reason] = await gone;
    assert.equal(reason, "transport error");
    assert.ok(Date.now() - pausedAt < 30_000);
  } finally {
    redisProxy.resume();
  }
  // every request of that session was answered, none later than its bound (plus a second for a loaded machine)
  const requests = nginx.accessLog().filter((line) => line.includes(`sid=${sid}`)).map((line) => line.split(" "));
  assert.ok(requests.length > 0);
  const failed = requests.filter(([, , status]) => status === "400");
  assert.ok(failed.length > 0, `no relayed request failed: ${requests.map((r) => r.slice(0, 4).join(" ")).join("; ")}`);
  for (const [node, seconds, status, method] of requests) {
    assert.ok(Number(seconds) * 1000 <= bound + 1000, `${method} via ${node} answered ${status} after ${seconds} s`);
  }
  // Redis answers again: the client reconnects (as a new session or recovered) and is served
  await until(() => c.socket.connected, { timeout: 30_000, what: "the client to reconnect after the stall" });
  assert.deepEqual(await call(c, "echo-ack", "after"), ["after"]);
});
