// The mixed-cluster tests: a Switchboard node and a Node socket.io 4.8 node (@socket.io/redis-adapter 8.3) on one
// Redis, with clients on both; every cluster operation, started from either side. Registered once per protocol
// (classic: mixed-cluster.test.mjs, sharded: sharded-cluster.test.mjs).

import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { shardNumsub, startCluster } from "./cluster.mjs";
import { allOf, control, namesUntil, next } from "./clients.mjs";

let cluster;
let sharded = false;
/** Sharded mode on a Redis Cluster: channels on different shards keep no order between them (Node's too). */
let unordered = false;

export function mixedClusterTests(options) {
  sharded = options.sharded;
  unordered = Boolean(options.sharded && options.redisCluster);
  before(async () => {
    cluster = await startCluster({ sharded, redisCluster: Boolean(options.redisCluster) });
  });
  afterEach(() => cluster.closeClients());
  after(async () => {
    await cluster?.stop();
  });
  for (const [name, body] of TESTS) {
    test(name, { skip: sharded && SHARDED_SKIPS.get(name) }, body);
  }
}

const TESTS = [];
const define = (name, body) => TESTS.push([name, body]);
/** What Node's sharded adapter does not offer, so there is nothing to be compatible with. */
const SHARDED_SKIPS = new Map([
  ["server count and allRooms agree on both nodes", "Node's sharded adapter has no allRooms()"],
]);

/**
 * Sharded, dynamic mode: a single-room broadcast goes to the room's own channel, which a node subscribes to when the
 * room appears there; wait for that before publishing. Socket ids (20 characters on both nodes) stay on the main
 * channel, as Node's publisher keeps them. Classic: nothing to wait for.
 */
async function roomReady(room, subscribers = 1) {
  if (!sharded) return;
  const channel = `${cluster.key}#/#${room}#`;
  await cluster.waitFor(`${subscribers} subscriber(s) on ${channel}`,
    async () => (await shardNumsub(cluster.redis, channel)) === subscribers);
}

/**
 * What a client got up to the last of `expected`, in order; where channels keep no order between them, everything
 * until each of `expected` arrived, given back as `expected` when it holds the same names.
 */
async function arrived(client, expected) {
  if (!unordered) return namesUntil(client, expected[expected.length - 1]);
  const got = await allOf(client, expected);
  return [...got].sort().join() === [...expected].sort().join() ? expected : got;
}

/** Two clients on each node: j1, j2 on Switchboard, n1, n2 on Node. */
async function clients() {
  const all = {
    j1: await cluster.client("java", { tag: "j1" }),
    j2: await cluster.client("java", { tag: "j2" }),
    n1: await cluster.client("node", { tag: "n1" }),
    n2: await cluster.client("node", { tag: "n2" }),
  };
  return all;
}

const ids = (list) => list.map((entry) => entry.id).sort();

define("text broadcasts cross both ways", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(n1, "broadcast", { event: "from-node", args: ["hi", { x: 1, list: [true, null] }] });
  for (const client of [j1, j2, n1, n2]) {
    assert.deepEqual(await next(client, "from-node"), ["from-node", "hi", { x: 1, list: [true, null] }]);
  }
  await control(j1, "broadcast", { event: "from-java", args: ["hey", 1.5, { "": {} }, []] });
  for (const client of [j1, j2, n1, n2]) {
    assert.deepEqual(await next(client, "from-java"), ["from-java", "hey", 1.5, { "": {} }, []]);
  }
});

define("binary and dates cross both ways", async () => {
  const { j1, n1, n2 } = await clients();
  const bytes = Buffer.from([0, 1, 2, 254, 255]);
  await control(n1, "broadcast", { event: "bin-node", args: [bytes, { nested: bytes }], date: "2024-01-02T03:04:05.678Z" });
  const atJava = await next(j1, "bin-node");
  assert.ok(Buffer.from(atJava[1]).equals(bytes));
  assert.ok(Buffer.from(atJava[2].nested).equals(bytes));
  assert.equal(atJava[3], "2024-01-02T03:04:05.678Z");
  assert.equal((await next(n2, "bin-node"))[3], "2024-01-02T03:04:05.678Z");

  await control(j1, "broadcast", { event: "bin-java", args: ["label", bytes, [bytes]] });
  const atNode = await next(n2, "bin-java");
  assert.equal(atNode[1], "label");
  assert.ok(Buffer.from(atNode[2]).equals(bytes));
  assert.ok(Buffer.from(atNode[3][0]).equals(bytes));
});

define("rooms, except, socket ids and socket.broadcast select across both nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(j2, "join", "r");
  await control(n2, "join", "r");
  await control(n1, "join", "s");
  await roomReady("r", 2);
  await roomReady("s", 1);

  await control(n1, "broadcast", { event: "to-r", rooms: ["r"] });
  await control(n1, "broadcast", { event: "to-r-s", rooms: ["r", "s"] });
  await control(n1, "broadcast", { event: "to-j2", rooms: [j2.socket.id] });
  await control(n1, "broadcast", { event: "m1" });
  assert.deepEqual(await arrived(j1, ["m1"]), ["m1"]);
  assert.deepEqual(await arrived(j2, ["to-r", "to-r-s", "to-j2", "m1"]), ["to-r", "to-r-s", "to-j2", "m1"]);
  assert.deepEqual(await arrived(n1, ["to-r-s", "m1"]), ["to-r-s", "m1"]);
  assert.deepEqual(await arrived(n2, ["to-r", "to-r-s", "m1"]), ["to-r", "to-r-s", "m1"]);

  await control(j1, "broadcast", { event: "not-r", except: ["r"] });
  await control(j1, "broadcast", { event: "r-not-s", rooms: ["r"], except: ["s"] });
  await control(j1, "broadcast", { event: "to-n2", rooms: [n2.socket.id] });
  await control(j1, "broadcast", { event: "m2" });
  assert.deepEqual(await arrived(j1, ["not-r", "m2"]), ["not-r", "m2"]);
  assert.deepEqual(await arrived(j2, ["r-not-s", "m2"]), ["r-not-s", "m2"]);
  assert.deepEqual(await arrived(n1, ["not-r", "m2"]), ["not-r", "m2"]);
  assert.deepEqual(await arrived(n2, ["r-not-s", "to-n2", "m2"]), ["r-not-s", "to-n2", "m2"]);

  await control(j1, "socket-broadcast", { event: "not-j1" });
  await control(j1, "broadcast", { event: "m3" });
  await control(n1, "socket-broadcast", { event: "not-n1" });
  await control(n1, "broadcast", { event: "m4" });
  // two senders: wait for both markers, then compare the sets
  const expected = new Map([[j1, ["m3", "m4", "not-n1"]], [n1, ["m3", "m4", "not-j1"]],
    [j2, ["m3", "m4", "not-j1", "not-n1"]], [n2, ["m3", "m4", "not-j1", "not-n1"]]]);
  for (const [client, names] of expected) {
    assert.deepEqual((await allOf(client, ["m3", "m4"])).sort(), names, client.tag);
  }
});

define("fetchSockets works both ways with handshake, rooms and data", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(j2, "join", "f");
  const fromNode = await control(n1, "fetch", {});
  assert.equal(fromNode.error, undefined);
  assert.deepEqual(ids(fromNode.sockets), ids([j1, j2, n1, n2].map((c) => ({ id: c.socket.id }))));
  const javaSocket = fromNode.sockets.find((s) => s.id === j2.socket.id);
  assert.deepEqual(javaSocket.data, { node: "java", tag: "j2" });
  assert.deepEqual(javaSocket.rooms, ["f", j2.socket.id].sort());
  assert.deepEqual(javaSocket.auth, { tag: "j2" });
  assert.equal(javaSocket.query.probe, "mixed");
  assert.equal(javaSocket.query.EIO, "4");
  assert.equal(javaSocket.query.transport, "websocket");
  assert.equal(javaSocket.address, "127.0.0.1");

  const fromJava = await control(j1, "fetch", {});
  assert.deepEqual(ids(fromJava.sockets), ids(fromNode.sockets));
  const nodeSocket = fromJava.sockets.find((s) => s.id === n2.socket.id);
  assert.deepEqual(nodeSocket.data, { node: "node", tag: "n2" });
  assert.deepEqual(nodeSocket.rooms, [n2.socket.id]);
  assert.deepEqual(nodeSocket.auth, { tag: "n2" });
  assert.equal(nodeSocket.query.probe, "mixed");

  assert.deepEqual(ids((await control(n2, "fetch", { rooms: ["f"] })).sockets), [j2.socket.id]);
  assert.deepEqual(ids((await control(j1, "fetch", { rooms: [n1.socket.id] })).sockets), [n1.socket.id]);
});

define("fetched sockets can be emitted to, joined, left and disconnected across nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  assert.equal(await control(n1, "remote", { id: j1.socket.id, op: "emit", arg: { event: "poke", args: [1] } }), "ok");
  assert.deepEqual(await next(j1, "poke"), ["poke", 1]);
  assert.equal(await control(j1, "remote", { id: n2.socket.id, op: "emit", arg: { event: "poke", args: [2] } }), "ok");
  assert.deepEqual(await next(n2, "poke"), ["poke", 2]);

  await control(n1, "remote", { id: j1.socket.id, op: "join", arg: "rj" });
  await cluster.waitFor("j1 joined rj", async () =>
    ids((await control(j2, "fetch", { rooms: ["rj"] })).sockets).includes(j1.socket.id));
  await control(j1, "remote", { id: n1.socket.id, op: "join", arg: "rn" });
  await cluster.waitFor("n1 joined rn", async () =>
    ids((await control(n2, "fetch", { rooms: ["rn"] })).sockets).includes(n1.socket.id));
  await control(j2, "remote", { id: n1.socket.id, op: "leave", arg: "rn" });
  await cluster.waitFor("n1 left rn", async () => (await control(n2, "fetch", { rooms: ["rn"] })).sockets.length === 0);

  await control(n1, "remote", { id: j2.socket.id, op: "disconnect", arg: false });
  assert.deepEqual(await next(j2, "disconnect"), ["disconnect", "io server disconnect"]);
  await control(j1, "remote", { id: n2.socket.id, op: "disconnect", arg: false });
  assert.deepEqual(await next(n2, "disconnect"), ["disconnect", "io server disconnect"]);
});

define("serverSideEmit with and without acks, both ways", async () => {
  const { j1, n1 } = await clients();
  assert.deepEqual(await control(j1, "server-side-emit", { event: "ping", args: [7], ack: true }),
    { error: null, responses: ["pong:node:7"] });
  assert.deepEqual(await control(n1, "server-side-emit", { event: "ping", args: [8], ack: true }),
    { error: null, responses: ["pong:java:8"] });

  await control(j1, "server-side-emit", { event: "note", args: ["from-java", { a: 1 }] });
  await control(n1, "server-side-emit", { event: "note", args: ["from-node", [2]] });
  await cluster.waitFor("node got the note", async () =>
    (await control(n1, "server-side-log")).some((e) => e.event === "note" && e.args[0] === "from-java"));
  await cluster.waitFor("java got the note", async () =>
    (await control(j1, "server-side-log")).some((e) => e.event === "note" && e.args[0] === "from-node"));
  const nodeLog = await control(n1, "server-side-log");
  assert.deepEqual(nodeLog.find((e) => e.args[0] === "from-java").args, ["from-java", { a: 1 }]);
  assert.ok(!nodeLog.some((e) => e.args[0] === "from-node"), "a node does not hear itself");

  const fromJava = await control(j1, "server-side-emit", { event: "silent", args: [], ack: true, timeout: 800 });
  assert.match(fromJava.error, /timeout reached: only 0 responses received out of 1/);
  const fromNode = await control(n1, "server-side-emit", { event: "silent", args: [], ack: true });
  assert.match(fromNode.error, /timeout reached: only 0 responses received out of 1/);
});

define("broadcasts with acks collect the clients of both nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  const all = ids([j1, j2, n1, n2].map((c) => ({ id: c.socket.id })));
  for (const asker of [n1, j1]) {
    const started = Date.now();
    const report = await control(asker, "broadcast-with-ack", { event: "ask", args: ["q"], timeout: 4000 });
    assert.equal(report.error, null);
    assert.deepEqual(ids(report.responses), all);
    assert.ok(report.responses.every((r) => r.echo === "q"));
    assert.ok(Date.now() - started < 3000, "completed by counting, not by the timeout");
  }

  await control(j2, "join", "k");
  for (const asker of [n1, j1]) {
    const started = Date.now();
    const report = await control(asker, "broadcast-with-ack", { event: "ask", args: ["k"], rooms: ["k"], timeout: 4000 });
    assert.deepEqual(report, { error: null, responses: [{ id: j2.socket.id, echo: "k" }] });
    assert.ok(Date.now() - started < 3000, "a node without members answers clientCount 0 at once");
  }

  n2.silent = true;
  j2.silent = true;
  for (const asker of [n1, j1]) {
    const report = await control(asker, "broadcast-with-ack", { event: "ask", args: ["p"], timeout: 800 });
    assert.equal(report.error, "operation has timed out");
    assert.deepEqual(ids(report.responses), [j1.socket.id, n1.socket.id].sort());
  }
});

define("socketsJoin, socketsLeave and disconnectSockets both ways", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(n1, "sockets-join", { join: "everyone" });
  await cluster.waitFor("all four joined", async () =>
    (await control(j1, "fetch", { rooms: ["everyone"] })).sockets.length === 4);
  await control(j1, "sockets-leave", { rooms: [n1.socket.id, j2.socket.id], leave: "everyone" });
  await cluster.waitFor("n1 and j2 left", async () =>
    ids((await control(n2, "fetch", { rooms: ["everyone"] })).sockets).join() ===
      [j1.socket.id, n2.socket.id].sort().join());
  await control(j2, "sockets-join", { rooms: ["everyone"], join: "from-java" });
  await cluster.waitFor("j1 and n2 joined from-java", async () =>
    (await control(n1, "fetch", { rooms: ["from-java"] })).sockets.length === 2);

  await control(j2, "disconnect-sockets", { rooms: ["everyone"], close: false });
  assert.deepEqual(await next(j1, "disconnect"), ["disconnect", "io server disconnect"]);
  assert.deepEqual(await next(n2, "disconnect"), ["disconnect", "io server disconnect"]);
  await control(n1, "disconnect-sockets", { rooms: [j2.socket.id], close: true });
  assert.equal((await next(j2, "disconnect"))[0], "disconnect");
  await control(n1, "broadcast", { event: "still-here" });
  assert.deepEqual(await namesUntil(n1, "still-here"), ["still-here"]);
});

define("server count and allRooms agree on both nodes", async () => {
  const { j1, n1 } = await clients();
  assert.equal(await control(j1, "server-count"), 2);
  assert.equal(await control(n1, "server-count"), 2);
  await control(j1, "join", "only-java");
  await control(n1, "join", "only-node");
  for (const asker of [j1, n1]) {
    const { rooms } = await control(asker, "all-rooms");
    for (const room of ["only-java", "only-node", j1.socket.id, n1.socket.id]) assert.ok(rooms.includes(room), room);
  }
});

define("namespaces stay apart across the cluster", async () => {
  const { j1, n1 } = await clients();
  const jo = await cluster.client("java", { tag: "jo", namespace: "/other" });
  const no = await cluster.client("node", { tag: "no", namespace: "/other" });
  // each sender's own marker: Redis keeps the order of one publisher only
  await control(no, "broadcast", { event: "other-from-node" });
  await control(no, "broadcast", { event: "marker-node" });
  await control(jo, "broadcast", { event: "other-from-java" });
  await control(jo, "broadcast", { event: "marker-java" });
  await control(n1, "broadcast", { event: "main-only" });
  for (const client of [jo, no]) {
    const names = await allOf(client, ["marker-node", "marker-java"]);
    assert.deepEqual(names.filter((name) => name.startsWith("other")).sort(), ["other-from-java", "other-from-node"]);
  }
  assert.deepEqual(await namesUntil(j1, "main-only"), ["main-only"]);
});

define("a Node node emits to a Switchboard socket id the moment it connects: 200 times, nothing lost", async () => {
  const n1 = await cluster.client("node", { tag: "n1" });
  for (let i = 0; i < 200; i++) {
    const j = await cluster.client("java", { tag: `j${i}` });
    assert.equal(j.socket.id.length, 20, `the reference's id format: ${j.socket.id}`);
    await control(n1, "broadcast", { event: "welcome", rooms: [j.socket.id], args: [i] });
    assert.deepEqual(await next(j, "welcome"), ["welcome", i], `connection ${i}`);
    j.socket.disconnect();
  }
});

define("socket data of any JSON value round-trips between the nodes both ways, key order kept", async () => {
  const j1 = await cluster.client("java", { tag: "j1" });
  const n1 = await cluster.client("node", { tag: "n1" });
  const values = ["a string", ["an", "array", 2, true], null, { z: 1, a: { deep: [1, { b: null }], y: "" }, m: [] }];
  for (const value of values) {
    await control(j1, "set-data", value);
    await control(n1, "set-data", value);
    for (const [from, by] of [[j1, "Switchboard"], [n1, "Node"]]) {
      const { sockets } = await control(from, "fetch", {});
      for (const id of [j1.socket.id, n1.socket.id]) {
        const entry = sockets.find((socket) => socket.id === id);
        assert.ok(entry, `${by} fetched ${id}`);
        // compared as text: the key order counts too
        assert.equal(JSON.stringify(entry.data), JSON.stringify(value), `${by} reading ${id}`);
      }
    }
  }
});
