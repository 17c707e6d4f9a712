// Drain in a cluster: two packaged nodes on one Redis behind a switchable TCP proxy (as NGINX would be). SIGTERM
// drains the client's node: the client sees server-shutdown, then a disconnect, reconnects through the proxy to the
// other node and recovers its session (same id, rooms, missed events); the drained process exits 0.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { once } from "./support/clients.mjs";
import { claims, client, signJwt, startSwitchboard, unique, yaml } from "./server-support.mjs";

const SECRET = "e2e-drain-recovery-secret-long-enough-for-hmac-sha-256";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const token = (sub) => signJwt(claims({ sub }), { alg: "HS256", key: SECRET });

/** Forwards new connections to the current upstream port. */
async function startProxy(upstreamPort) {
  let upstream = upstreamPort;
  const open = new Set();
  const server = net.createServer((downstream) => {
    const up = net.connect(upstream, "127.0.0.1");
    for (const s of [downstream, up]) {
      open.add(s);
      s.on("close", () => open.delete(s));
      s.on("error", () => {});
    }
    downstream.pipe(up);
    up.pipe(downstream);
    downstream.on("close", () => up.destroy());
    up.on("close", () => downstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    switchTo: (port) => {
      upstream = port;
    },
    close: () => {
      open.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

let proxy;
after(async () => {
  await proxy?.close();
});

test("SIGTERM drains a node; its client recovers on the other node with what it missed", async () => {
  const config = yaml({
    auth: { secret: SECRET },
    adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: unique("drain-recovery") } },
    drain: { gracePeriod: 300, deadline: 10000 },
    rooms: { policies: [{ pattern: "chat:*" }] },
  });
  const [nodeA, nodeB] = await Promise.all([startSwitchboard(config), startSwitchboard(config)]);
  proxy = await startProxy(nodeA.port);

  const alice = client(`http://127.0.0.1:${proxy.port}`, {
    token: token("alice"),
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 1000,
  });
  await once(alice, "connect", { timeout: 10_000 });
  const firstId = alice.id;
  const joined = await alice.timeout(5000).emitWithAck("join-room", "chat:lobby");
  assert.deepEqual(joined, { ok: true });
  const messages = [];
  alice.on("room-message", (message) => messages.push(message.message));

  const bob = client(nodeB.url, { token: token("bob") });
  await once(bob, "connect", { timeout: 10_000 });
  await bob.timeout(5000).emitWithAck("join-room", "chat:lobby");

  const seen = [];
  alice.on("server-shutdown", () => seen.push("server-shutdown"));
  const disconnected = once(alice, "disconnect", { timeout: 15_000 });
  const child = nodeA.process.process;
  const exit = new Promise((resolve) => child.once("close", (code) => resolve(code)));
  proxy.switchTo(nodeB.port);
  child.kill("SIGTERM");

  const [reason] = await disconnected;
  seen.push("disconnect");
  assert.deepEqual(seen, ["server-shutdown", "disconnect"]);
  assert.equal(reason, "transport close");
  // while alice is away
  bob.emit("room-message", { roomId: "chat:lobby", message: "missed" });

  await once(alice, "connect", { timeout: 15_000 });
  assert.equal(alice.recovered, true);
  assert.equal(alice.id, firstId);
  bob.emit("room-message", { roomId: "chat:lobby", message: "after" });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(messages)}`)), 10_000);
    const check = () => {
      if (messages.length >= 2) {
        clearTimeout(timer);
        resolve();
      }
    };
    alice.on("room-message", check);
    check();
  });
  assert.deepEqual(messages, ["missed", "after"]);
  assert.equal(await exit, 0);
  alice.disconnect();
  bob.disconnect();
  await nodeB.stop();
});
