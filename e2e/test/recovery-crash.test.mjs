// Connection state recovery after a node crash: three Switchboard nodes (separate processes) on one Redis, traffic
// with acks from two of them, `kill -9` of the third. Its clients reconnect through the proxy (as through a load
// balancer) to another node and recover their id, rooms and data and every acknowledged message, none lost, because each
// node keeps its sessions in Redis as they change and logs what it sends before publishing it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startJava } from "./support/server.mjs";
import { once, waitUntil } from "./support/waits.mjs";
import { startProxy } from "./support/proxy.mjs";

const FIXTURE = "io.switchboard.recovery.RecoveryFixture";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RECEIVERS_ON_VICTIM = 4;

function receiver(port) {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ["websocket"],
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  });
  const received = new Map();
  socket.on("m", (value) => received.set(value, (received.get(value) ?? 0) + 1));
  return { socket, received };
}

let nodes = [];
let proxy;
const clients = [];

before(async () => {
  const key = `recovery-crash-${process.pid}-${Date.now()}`;
  // a generous store timeout: this test is about what is recovered, on a machine that may be busy
  const args = ["--redis", REDIS_URL, "--key", key, "--max-disconnection", "60000", "--store-timeout", "10000"];
  // one after the other, with time to spare: three JVMs starting at once on a busy machine are slow
  for (let i = 0; i < 3; i++) nodes.push(await startJava(FIXTURE, args, { timeoutMs: 60_000 }));
  proxy = await startProxy(nodes[2].port);
});

after(async () => {
  for (const client of clients) client.disconnect();
  await proxy?.close();
  for (const node of nodes) await node.stop().catch(() => {});
});

test("after kill -9 of a node its clients recover on another node with their rooms and every acked message", async (t) => {
  const [nodeA, nodeB, victim] = nodes;
  const onVictim = [];
  for (let i = 0; i < RECEIVERS_ON_VICTIM; i++) {
    const r = receiver(proxy.port);
    clients.push(r.socket);
    onVictim.push(r);
  }
  const control = receiver(nodeA.port);
  clients.push(control.socket);
  for (const r of [...onVictim, control]) {
    if (!r.socket.connected) await once(r.socket, "connect");
    await r.socket.emitWithAck("join", "room");
  }
  for (const [i, r] of onVictim.entries()) await r.socket.emitWithAck("set-data", "name", `receiver-${i}`);
  const ids = onVictim.map((r) => r.socket.id);

  // two publishers on the surviving nodes; a message counts once its node acknowledged the broadcast
  const acked = [];
  let publishing = true;
  const publishers = [nodeA, nodeB].map((node, n) => {
    const socket = io(`http://127.0.0.1:${node.port}`, { transports: ["websocket"] });
    clients.push(socket);
    return (async () => {
      if (!socket.connected) await once(socket, "connect");
      for (let i = 0; publishing; i++) {
        const value = `p${n}-${i}`;
        try {
          await socket.timeout(5_000).emitWithAck("to-room", "room", "m", value);
          acked.push(value);
        } catch {
          // not acknowledged: not counted
        }
      }
    })();
  });

  await waitUntil(() => onVictim.every((r) => r.received.size >= 20), "traffic before the crash");
  const disconnected = onVictim.map((r) => once(r.socket, "disconnect"));
  proxy.switchTo(nodeB.port);
  victim.process.kill("SIGKILL");
  await Promise.all(disconnected);
  await Promise.all(onVictim.map((r) => (r.socket.connected ? null : once(r.socket, "connect"))));
  const ackedAtReconnect = acked.length;
  await waitUntil(() => acked.length >= ackedAtReconnect + 20, "traffic after the recovery");
  publishing = false;
  await Promise.all(publishers);

  for (const [i, r] of onVictim.entries()) {
    assert.equal(r.socket.recovered, true, `receiver ${i} recovered its session`);
    assert.equal(r.socket.id, ids[i], `receiver ${i} kept its id`);
    assert.deepEqual((await r.socket.emitWithAck("rooms")).sort(), [ids[i], "room"].sort());
    assert.deepEqual(await r.socket.emitWithAck("get-data"), { name: `receiver-${i}` });
  }
  for (const r of [...onVictim, control]) {
    await waitUntil(() => acked.every((value) => r.received.has(value)), "every acked message", 10_000).catch(() => {});
  }
  let duplicates = 0;
  for (const [i, r] of [...onVictim, control].entries()) {
    const lost = acked.filter((value) => !r.received.has(value));
    assert.deepEqual(lost, [], `receiver ${i} lost acknowledged messages (${acked.length} acked)`);
    for (const count of r.received.values()) duplicates += count - 1;
  }
  const perPublisher = [0, 1].map((n) => acked.filter((value) => value.startsWith(`p${n}-`)).length);
  t.diagnostic(`${acked.length} acked messages (${perPublisher.join(" + ")}), none lost; ${duplicates} delivered twice`);
});
