// @socket.io/redis-emitter 5.1 publishing into the mixed cluster: its messages reach the clients and servers of
// the Switchboard node exactly as those of the Node node.

import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { Emitter } from "@socket.io/redis-emitter";
import { startCluster } from "./support/cluster.mjs";
import { allOf, control, namesUntil, next } from "./support/clients.mjs";

let cluster;
let emitter;

before(async () => {
  cluster = await startCluster();
  emitter = new Emitter(cluster.redis, { key: cluster.key });
});

afterEach(() => cluster.closeClients());

after(async () => {
  await cluster?.stop();
});

async function clients() {
  return {
    j1: await cluster.client("java", { tag: "j1" }),
    j2: await cluster.client("java", { tag: "j2" }),
    n1: await cluster.client("node", { tag: "n1" }),
    n2: await cluster.client("node", { tag: "n2" }),
  };
}

test("emit reaches every client of both nodes, with binary and dates", async () => {
  const { j1, j2, n1, n2 } = await clients();
  const bytes = Buffer.from([1, 2, 3]);
  emitter.emit("from-emitter", "x", { n: 1 }, bytes, new Date("2024-01-02T03:04:05.678Z"));
  for (const client of [j1, j2, n1, n2]) {
    const [, text, object, binary, date] = await next(client, "from-emitter");
    assert.equal(text, "x");
    assert.deepEqual(object, { n: 1 });
    assert.ok(Buffer.from(binary).equals(bytes), client.tag);
    assert.equal(date, "2024-01-02T03:04:05.678Z");
  }
  emitter.volatile.emit("volatile");
  emitter.compress(false).emit("uncompressed");
  for (const client of [j1, j2, n1, n2]) {
    assert.deepEqual(await namesUntil(client, "uncompressed"), ["volatile", "uncompressed"]);
  }
});

test("to, except and socket ids select on both nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(j2, "join", "room");
  await control(n2, "join", "room");
  emitter.to("room").emit("to-room");
  emitter.except("room").emit("except-room");
  emitter.to(["room", n1.socket.id]).emit("two-rooms");
  emitter.to(j1.socket.id).emit("to-j1");
  emitter.emit("marker");
  assert.deepEqual(await namesUntil(j1, "marker"), ["except-room", "to-j1", "marker"]);
  assert.deepEqual(await namesUntil(j2, "marker"), ["to-room", "two-rooms", "marker"]);
  assert.deepEqual(await namesUntil(n1, "marker"), ["except-room", "two-rooms", "marker"]);
  assert.deepEqual(await namesUntil(n2, "marker"), ["to-room", "two-rooms", "marker"]);
});

test("of() reaches the namespace on both nodes only", async () => {
  const { j1, n1 } = await clients();
  const jo = await cluster.client("java", { tag: "jo", namespace: "/other" });
  const no = await cluster.client("node", { tag: "no", namespace: "/other" });
  emitter.of("/other").emit("other-only");
  emitter.of("/other").emit("marker");
  emitter.emit("marker");
  for (const client of [jo, no]) assert.deepEqual(await namesUntil(client, "marker"), ["other-only", "marker"]);
  for (const client of [j1, n1]) assert.deepEqual(await namesUntil(client, "marker"), ["marker"]);
});

test("socketsJoin and socketsLeave apply on both nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  emitter.socketsJoin("joined");
  await cluster.waitFor("all four joined", async () =>
    (await control(j1, "fetch", { rooms: ["joined"] })).sockets.length === 4);
  emitter.in([j2.socket.id, n2.socket.id]).socketsLeave("joined");
  await cluster.waitFor("j2 and n2 left", async () =>
    (await control(n1, "fetch", { rooms: ["joined"] })).sockets.map((s) => s.id).sort().join() ===
      [j1.socket.id, n1.socket.id].sort().join());
});

test("disconnectSockets disconnects on both nodes", async () => {
  const { j1, j2, n1, n2 } = await clients();
  await control(j1, "join", "bye");
  await control(n1, "join", "bye");
  emitter.in("bye").disconnectSockets();
  assert.deepEqual(await next(j1, "disconnect"), ["disconnect", "io server disconnect"]);
  assert.deepEqual(await next(n1, "disconnect"), ["disconnect", "io server disconnect"]);
  emitter.emit("marker");
  for (const client of [j2, n2]) assert.deepEqual(await allOf(client, ["marker"]), ["marker"]);
});

test("serverSideEmit reaches the listeners of both servers", async () => {
  const { j1, n1 } = await clients();
  emitter.serverSideEmit("note", "from-emitter", { k: [1, 2] });
  for (const client of [j1, n1]) {
    await cluster.waitFor(`${client.tag}'s server got it`, async () =>
      (await control(client, "server-side-log")).some((e) => e.event === "note" && e.args[0] === "from-emitter"));
    const entry = (await control(client, "server-side-log")).find((e) => e.args[0] === "from-emitter");
    assert.deepEqual(entry.args, ["from-emitter", { k: [1, 2] }]);
  }
});
