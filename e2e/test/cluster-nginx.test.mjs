// A real cluster behind the repository's NGINX configuration (nginx/nginx.conf + nginx/upstreams.conf): three
// packaged nodes on one Redis (127.0.0.1:6379 or $REDIS_URL), NGINX started as a child process with the upstream
// addresses rendered to the nodes' ports, and socket.io-client connecting only through NGINX.
//
// ip_hash hashes the first three octets of the client's IPv4 address, so every client from 127.0.0.1 would land on
// one node. Each client here connects from its own loopback address 127.0.N.1 (an http.Agent with `localAddress`,
// passed as socket.io-client's `agent`), chosen with NGINX's ip_hash formula so that every node gets clients; the
// nodes' own /metrics confirm where they landed.
//
//   (d) every node serves Prometheus text on /metrics directly, NGINX answers 404 for /metrics
//   (a) websocket, polling and upgraded clients on all three nodes: no connect or "Session ID unknown" errors, acks
//       work, an API broadcast and a room message reach the clients of every node
//   (b) kill -9 of a node: its clients reconnect through NGINX to the others; presence shows a user of the dead node
//       offline within the TTL and the reconnected users online
//   (c) SIGTERM of a node: it drains (server-shutdown, exit 0), its clients move, and every message sent with an ack
//       before and during the drain is acked (retried when needed) and delivered
//
// Nothing sleeps to synchronise: every wait is on an event or a condition, with a deadline.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { io } from "socket.io-client";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { freePort, nginxExecutable, startNginx, until } from "./support/nginx.mjs";
import { once } from "./support/clients.mjs";
import { api, claims, signJwt, startSwitchboard, unique, yaml } from "./server-support.mjs";
import { assertRedis } from "./support/redis.mjs";

const SECRET = "e2e-cluster-nginx-secret-long-enough-for-hmac-sha-256";
const API_KEY = "e2e-cluster-nginx-api-key";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const PRESENCE_TTL = 3000;
const ROOM = "chat:all";
const MODES = {
  websocket: ["websocket"],
  polling: ["polling"],
  upgrade: ["polling", "websocket"],
};
const token = (sub) => signJwt(claims({ sub }), { alg: "HS256", key: SECRET });

// ------------------------------------------------------------------ helpers

/** NGINX's ip_hash peer for an IPv4 address and `peers` servers of equal weight (ngx_http_upstream_ip_hash_module). */
function ipHashPeer(address, peers) {
  const octets = address.split(".").map(Number);
  let hash = 89;
  for (let i = 0; i < 3; i += 1) hash = (hash * 113 + octets[i]) % 6271;
  return hash % peers;
}

/** `count` loopback addresses 127.0.N.1 that ip_hash sends to peer `peer`, none of them in `taken`. */
function addressesFor(peer, count, taken) {
  const result = [];
  for (let n = 1; n < 255 && result.length < count; n += 1) {
    const address = `127.0.${n}.1`;
    if (!taken.has(address) && ipHashPeer(address, 3) === peer) {
      taken.add(address);
      result.push(address);
    }
  }
  assert.equal(result.length, count, `not enough addresses for peer ${peer}`);
  return result;
}


/** The Prometheus text of a node's /metrics, parsed; also checks the content type. */
async function metrics(node) {
  const response = await fetch(`${node.url}/metrics`, { signal: AbortSignal.timeout(5000) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^text\/plain/);
  const text = await response.text();
  return { text, families: parsePrometheusTextFormat(text) };
}

/** Sockets connected to "/" on a node, from its own /metrics. */
async function connectedOn(node) {
  const { families } = await metrics(node);
  const family = families.find((f) => f.name === "switchboard_sockets_connected");
  assert.ok(family, "switchboard_sockets_connected missing");
  return family.metrics.filter((m) => m.labels.namespace === "/").reduce((sum, m) => sum + Number(m.value), 0);
}

// ------------------------------------------------------------------ clients through NGINX

const clients = [];

/**
 * A client through NGINX from `address`, user `user`, transports of `mode`. It joins ROOM on connect (again after a
 * reconnection that did not recover its session); `ready()` resolves when it is connected and in the room.
 */
function connectClient(user, mode, address, { reconnection = true } = {}) {
  const agent = new http.Agent({ localAddress: address });
  const socket = io(nginx.url, {
    forceNew: true,
    transports: MODES[mode],
    agent,
    auth: { token: token(user) },
    reconnection,
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    timeout: 5000,
  });
  const c = { user, mode, address, socket, agent, errors: [], disconnects: [], received: [], connects: 0 };
  let readyState = null;
  const reset = () => {
    readyState = {};
    readyState.promise = new Promise((resolve) => (readyState.resolve = resolve));
  };
  reset();
  c.ready = (timeout = 15_000) => {
    let timer;
    return Promise.race([
      readyState.promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${user} (${mode}) not ready after ${timeout} ms: ${c.errors}`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  socket.on("connect", async () => {
    c.connects += 1;
    c.recovered = socket.recovered;
    if (!socket.recovered) {
      try {
        const joined = await socket.timeout(5000).emitWithAck("join-room", ROOM);
        assert.deepEqual(joined, { ok: true });
      } catch (error) {
        c.errors.push(`join-room: ${error.message}`);
        return;
      }
    }
    readyState.resolve();
  });
  socket.on("disconnect", (reason, details) => {
    c.disconnects.push(reason);
    reset();
  });
  socket.on("connect_error", (error) => c.errors.push(`connect_error: ${error.message}`));
  socket.io.on("error", (error) => c.errors.push(`manager error: ${error.message} ${error.description?.message ?? ""}`));
  socket.on("room-message", (message) => c.received.push(message.message));
  socket.on("announce", (data) => c.received.push(`announce:${data.n}`));
  clients.push(c);
  return c;
}

/** Waits until `c` has received `item`. */
const receives = (c, item, timeout = 10_000) =>
  until(() => c.received.includes(item), { timeout, what: `${c.user} to receive ${item}`, describe: () => JSON.stringify(c.received) });

/** Sends a room message with an ack until the server acks {ok: true}, waiting for a connection in between. */
async function sendReliably(c, id) {
  let lastError = "";
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    await c.ready();
    try {
      const answer = await c.socket.timeout(2000).emitWithAck("room-message", { roomId: ROOM, message: id });
      if (answer?.ok === true) return attempt;
      lastError = JSON.stringify(answer);
    } catch (error) {
      lastError = error.message;
    }
  }
  throw new Error(`${id} from ${c.user} was never acked: ${lastError}`);
}

// ------------------------------------------------------------------ the cluster

let nodes = [];
let nginx;
const byNode = [[], [], []]; // clients by the node ip_hash sends them to
let ghost; // a user of node 3 that does not reconnect
let watcher; // a websocket client of node 1 that sees every room message

before(async () => {
  await assertRedis(REDIS_URL, "cluster-nginx test");
  nginxExecutable();
  const config = yaml({
    auth: { secret: SECRET },
    adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: unique("cluster-nginx") } },
    connectionStateRecovery: { enabled: true },
    // the tokens carry no org: everyone may see everyone (presence.visibility org would show them as never seen)
    presence: { enabled: true, ttl: PRESENCE_TTL, audience: "all", visibility: "all" },
    drain: { gracePeriod: 1000, deadline: 10000 },
    rooms: { policies: [{ pattern: "chat:*" }] },
    api: { keys: [API_KEY] },
    rateLimit: { enabled: false },
  });
  nodes = await Promise.all([0, 1, 2].map(() => startSwitchboard(config)));
  nginx = await startNginx(nodes.map((n) => n.port), await freePort());
});

after(async () => {
  for (const c of clients) {
    c.socket.disconnect();
    c.socket.io.engine?.close();
    c.agent.destroy();
  }
  await nginx?.stop();
});

test("(a) websocket, polling and upgraded clients through NGINX on all three nodes; broadcasts reach every node", async () => {
  const taken = new Set();
  for (let peer = 0; peer < 3; peer += 1) {
    const addresses = addressesFor(peer, peer === 2 ? 4 : 3, taken);
    for (const [i, mode] of Object.keys(MODES).entries()) {
      byNode[peer].push(connectClient(`user-${peer + 1}-${mode}`, mode, addresses[i]));
    }
    if (peer === 2) ghost = connectClient("ghost", "websocket", addresses[3], { reconnection: false });
  }
  watcher = byNode[0][0];
  const all = clients.slice();
  const upgraded = byNode.flat().filter((c) => c.mode === "upgrade")
    .map((c) => once(c.socket.io.engine, "upgrade", { timeout: 10_000 }));
  await Promise.all(all.map((c) => c.ready()));
  await Promise.all(upgraded);

  for (const c of all) {
    const expected = c.mode === "polling" ? "polling" : "websocket";
    assert.equal(c.socket.io.engine.transport.name, expected, `${c.user} is on ${c.socket.io.engine.transport.name}`);
  }

  // Where ip_hash put them, from each node's own metrics: 3, 3 and 4 (ghost) sockets.
  assert.deepEqual(await Promise.all(nodes.map(connectedOn)), [3, 3, 4]);

  // An API broadcast through NGINX's /api/ and a room message from a client of node 3 reach every client.
  const emitted = await api(nginx, "POST", "/api/emit", { key: API_KEY, body: { rooms: [ROOM], event: "announce", data: { n: 1 } } });
  assert.equal(emitted.status, 200, JSON.stringify(emitted.body));
  await Promise.all(all.map((c) => receives(c, "announce:1")));
  const sender = byNode[2][1]; // polling
  assert.deepEqual(await sender.socket.timeout(5000).emitWithAck("room-message", { roomId: ROOM, message: "hello-all" }), { ok: true });
  await Promise.all(all.map((c) => receives(c, "hello-all")));

  for (const c of all) {
    assert.deepEqual(c.errors, [], `${c.user} (${c.mode}) had errors`);
    assert.deepEqual(c.disconnects, [], `${c.user} (${c.mode}) was disconnected`);
    assert.equal(c.connects, 1);
  }
});

test("(d) Prometheus text from every node directly; /metrics is not public through NGINX", async () => {
  for (const node of nodes) {
    const { text, families } = await metrics(node);
    assert.match(text, /^# (HELP|TYPE) /m);
    const names = new Set(families.map((f) => f.name));
    for (const name of ["switchboard_sockets_connected", "switchboard_redis_connected", "switchboard_adapter_messages_published_total"]) {
      assert.ok(names.has(name), `${node.url}/metrics lacks ${name}`);
    }
    const redis = families.find((f) => f.name === "switchboard_redis_connected");
    assert.equal(Number(redis.metrics[0].value), 1);
  }
  const hidden = await fetch(`${nginx.url}/metrics`, { signal: AbortSignal.timeout(5000) });
  assert.equal(hidden.status, 404);
  assert.doesNotMatch(await hidden.text(), /switchboard_/);
  const health = await fetch(`${nginx.url}/healthz`, { signal: AbortSignal.timeout(5000) });
  assert.equal(health.status, 200);
});

test("(b) kill -9 of a node: its clients reconnect through NGINX to the others; presence follows within the TTL", async () => {
  const victims = byNode[2];
  const killedAt = Date.now();
  const child = nodes[2].process.process;
  const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve(signal)));
  const ghostGone = once(ghost.socket, "disconnect", { timeout: 10_000 });
  const moved = victims.map(async (c) => {
    await once(c.socket, "disconnect", { timeout: 10_000 });
    await until(() => c.connects >= 2, { timeout: 15_000, what: `${c.user} to reconnect`, describe: () => c.errors.join("; ") });
    await c.ready();
  });
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL");
  await ghostGone;
  await Promise.all(moved);

  // They are on the two live nodes now: 3 + 3 + the 3 that moved, ghost gone.
  await until(async () => (await connectedOn(nodes[0])) + (await connectedOn(nodes[1])) === 9, {
    what: "the moved clients on the live nodes",
  });

  // Presence, asked on a live node: ghost offline within the TTL, everyone else online.
  const users = ["ghost", ...victims.map((c) => c.user), watcher.user];
  const answer = await until(
    async () => {
      const { users: states } = await watcher.socket.timeout(5000).emitWithAck("presence:query", users);
      const online = Object.fromEntries(states.map((s) => [s.userId, s.online]));
      return online.ghost === false && users.slice(1).every((u) => online[u] === true) ? states : null;
    },
    { timeout: 4 * PRESENCE_TTL, every: 100, what: "ghost offline, the others online", describe: (s) => JSON.stringify(s) },
  );
  const offlineAfter = Date.now() - killedAt;
  assert.ok(offlineAfter <= 2 * PRESENCE_TTL, `ghost went offline ${offlineAfter} ms after the kill (ttl ${PRESENCE_TTL})`);
  assert.equal(answer.length, users.length);
  const overApi = await api(nodes[1], "GET", "/api/presence?users=ghost", { key: API_KEY });
  assert.equal(overApi.status, 200);
  assert.equal(overApi.body.users[0].online, false);

  // The moved clients still get the cluster's broadcasts.
  assert.deepEqual(await watcher.socket.timeout(5000).emitWithAck("room-message", { roomId: ROOM, message: "after-kill" }), { ok: true });
  await Promise.all(victims.map((c) => receives(c, "after-kill")));
});

test("(c) SIGTERM drains a node: its clients move, no acked message is lost", async () => {
  const drained = byNode[1];
  const acked = new Set();
  let sentDuringDrain = 0;

  // Before the drain: every client of the node sends a few messages, all acked.
  for (const c of drained) {
    for (let i = 0; i < 5; i += 1) {
      const id = `before-${c.user}-${i}`;
      await sendReliably(c, id);
      acked.add(id);
    }
  }

  const child = nodes[1].process.process;
  const exited = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  const shutdowns = drained.map((c) => once(c.socket, "server-shutdown", { timeout: 10_000 }));
  let draining = false;
  // During the drain: each client keeps sending (paced, one message in flight) until it has sent 3 messages after it
  // reconnected elsewhere.
  const senders = drained.map(async (c) => {
    const connectsBefore = c.connects;
    let afterMove = 0;
    for (let i = 0; afterMove < 3; i += 1) {
      assert.ok(i < 2000, `${c.user} never moved`);
      const id = `during-${c.user}-${i}`;
      if (draining && c.connects === connectsBefore) sentDuringDrain += 1;
      await sendReliably(c, id);
      acked.add(id);
      if (c.connects > connectsBefore) afterMove += 1;
      await new Promise((resolve) => setTimeout(resolve, 25)); // pacing, not synchronisation
    }
  });
  draining = true;
  child.kill("SIGTERM");

  const shutdownMessages = await Promise.all(shutdowns);
  for (const [payload] of shutdownMessages) assert.equal(payload.reconnect, true);
  assert.equal(await exited, 0, "the drained node exits 0");
  await Promise.all(senders);
  assert.ok(sentDuringDrain > 0, "messages were sent during the drain");

  // Every acked message reached the watcher (on node 1), and the moved clients are on the last node.
  await until(() => [...acked].every((id) => watcher.received.includes(id)), {
    timeout: 10_000,
    what: "every acked message at the watcher",
    describe: () => JSON.stringify([...acked].filter((id) => !watcher.received.includes(id))),
  });
  for (const c of drained) {
    assert.ok(c.connects >= 2, `${c.user} did not reconnect`);
    assert.ok(c.socket.connected);
  }
  await until(async () => (await connectedOn(nodes[0])) === 9, { what: "all 9 clients on the last node" });
});
