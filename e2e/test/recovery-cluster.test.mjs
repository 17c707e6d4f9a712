// Connection state recovery across a cluster: two Switchboard nodes on one Redis behind a switchable TCP proxy (as
// NGINX would be). The client's node stops; the client reconnects through the proxy to the other node and gets
// back its id, rooms and the events it missed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startJava } from "./support/server.mjs";
import { startProxy } from "./support/proxy.mjs";

const FIXTURE = "io.switchboard.recovery.RecoveryFixture";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function once(emitter, event, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

let nodeA;
let nodeB;
let proxy;

before(async () => {
  const key = `recovery-e2e-${process.pid}-${Date.now()}`;
  nodeA = await startJava(FIXTURE, ["--redis", REDIS_URL, "--key", key, "--store-timeout", "10000"]);
  nodeB = await startJava(FIXTURE, ["--redis", REDIS_URL, "--key", key, "--store-timeout", "10000"]);
  proxy = await startProxy(nodeA.port);
});

after(async () => {
  await proxy?.close();
  await nodeA?.stop();
  await nodeB?.stop();
});

test("a client recovers its session on another node after its node stops", async () => {
  const client = io(`http://127.0.0.1:${proxy.port}`, {
    transports: ["websocket"],
    // long enough for the controller to emit while the client is away
    reconnectionDelay: 500,
    reconnectionDelayMax: 500,
  });
  const [welcome] = await once(client, "welcome");
  assert.equal(welcome.recovered, false);
  const firstId = client.id;
  await client.emitWithAck("join", "news");
  const news = [];
  client.on("news", (value) => news.push(value));
  const files = [];
  client.on("file", (value) => files.push(value));

  const controller = io(`http://127.0.0.1:${nodeB.port}`, { transports: ["websocket"] });
  await once(controller, "connect");
  await controller.emitWithAck("to-room", "news", "news", 1);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the first news never arrived")), 10_000);
    client.on("news", () => {
      if (news.length === 1) {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  proxy.switchTo(nodeB.port);
  const disconnected = once(client, "disconnect");
  const stopping = nodeA.stop();
  const [reason] = await disconnected;
  assert.equal(reason, "transport close");
  await controller.emitWithAck("to-room", "news", "news", 2);
  await controller.emitWithAck("to-room", firstId, "news", 3);
  // binary logged by one node and replayed by another
  await controller.emitWithAck("to-room", "news", "file", Buffer.from([1, 2, 3]));
  await stopping;

  await once(client, "connect");
  assert.equal(client.recovered, true);
  assert.equal(client.id, firstId);
  await controller.emitWithAck("to-room", "news", "news", 4);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(news)}`)), 10_000);
    const check = () => {
      if (news.length >= 4) {
        clearTimeout(timer);
        resolve();
      }
    };
    client.on("news", check);
    check();
  });
  assert.deepEqual(news, [1, 2, 3, 4]);
  assert.equal(files.length, 1);
  assert.ok(Buffer.isBuffer(files[0]), `got ${JSON.stringify(files[0])}`);
  assert.deepEqual([...files[0]], [1, 2, 3]);
  assert.deepEqual((await client.emitWithAck("rooms")).sort(), [firstId, "news"].sort());
  client.disconnect();
  controller.disconnect();
});
