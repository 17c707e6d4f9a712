// The Admin UI protocol across a mixed cluster: a packaged Switchboard server (adminUi on) and a Node socket.io 4.8
// node running @socket.io/admin-ui's own instrument() (with its RedisV4Store), on one Redis under a fresh prefix.
// A client in the UI's place (socket.io-client, the UI's own library) logs in on the Node node and reuses that
// session on Switchboard; connected to Switchboard it gets both nodes' server_stats, the Node node's sockets and
// events, and its join and emit reach a client of the Node node. Needs `mvn test-compile` first and a Redis.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import adminUi from "@socket.io/admin-ui";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { io } from "socket.io-client";
import { startJava } from "../../test/support/server.mjs";
import { REDIS_URL } from "./support/cluster.mjs";

const { instrument } = adminUi; // a CommonJS module

/**
 * The published RedisStore's layout (key `<prefix>#<id>` = "1", EX the duration) over the redis v4 client, which
 * that store (written for the v3 callback API) cannot drive; the repository's next RedisV4Store is this.
 */
class RedisV4Store {
  constructor(redis, { prefix, sessionDuration = 86400 }) {
    Object.assign(this, { redis, prefix, sessionDuration });
  }

  async doesSessionExist(sessionId) {
    return (await this.redis.exists(`${this.prefix}#${sessionId}`)) === 1;
  }

  saveSession(sessionId) {
    return this.redis.set(`${this.prefix}#${sessionId}`, "1", { EX: this.sessionDuration });
  }
}
const NAMESPACE = "/admin-ui";
const PASSWORD = "mixed-admin-password";
// bcrypt of PASSWORD at the lowest cost (bcryptjs.hashSync(PASSWORD, 4)), the same hash on both nodes
const PASSWORD_HASH = "$2a$04$NdUqMdituyrMzEEpS9P1Qe19VpYimhfel24viyO8oz31uRrZsCXu2";
const WAIT_MS = 15_000;

/** A socket.io-client socket that keeps what it receives, to wait for an event matching a test. */
function recorder(url, options) {
  const socket = io(url, { forceNew: true, reconnection: false, transports: ["websocket"], ...options });
  const received = [];
  const waiters = [];
  socket.onAny((event, ...args) => {
    received.push([event, args]);
    for (const waiter of [...waiters]) waiter();
  });
  socket.next = (event, matches = () => true) => new Promise((resolve, reject) => {
    const check = () => {
      const index = received.findIndex(([name, args]) => name === event && matches(...args));
      if (index < 0) return false;
      const [[, args]] = received.splice(index, 1);
      waiters.splice(waiters.indexOf(check) >>> 0, 1);
      clearTimeout(timer);
      resolve(args);
      return true;
    };
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(check) >>> 0, 1);
      reject(new Error(`no "${event}" matching within ${WAIT_MS} ms on ${url}`));
    }, WAIT_MS);
    waiters.push(check);
    check();
  });
  socket.connected$ = new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

describe("the Admin UI protocol over a Switchboard node and a Node node running instrument()", () => {
  const key = `sbadmin-${randomBytes(4).toString("hex")}`;
  const sockets = [];
  let dir;
  let java;
  let node;
  let nodePort;
  let redis;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-admin-ui-mixed-"));
    const config = join(dir, "switchboard.yml");
    writeFileSync(config, JSON.stringify({
      adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: key } },
      auth: { secret: "mixed-admin-ui-secret-long-enough-for-hmac-sha-256-0123456789" },
      adminUi: { enabled: true, username: "admin", passwordHash: PASSWORD_HASH, serverId: "switchboard-node" },
    }));
    const javaStarting = startJava("io.switchboard.server.Main",
      ["serve", "--config", config, "--port", "0", "--host", "127.0.0.1"],
      { env: { JWT_SECRET: "", SWITCHBOARD_CONFIG: "" }, timeoutMs: 60_000 });

    redis = createClient({ url: REDIS_URL });
    const sub = redis.duplicate();
    for (const client of [redis, sub]) client.on("error", (err) => console.error("node redis:", err.message));
    await Promise.all([redis.connect(), sub.connect()]);
    const http = createServer();
    const ioServer = new Server(http, { adapter: createAdapter(redis, sub, { key }) });
    instrument(ioServer, {
      namespaceName: NAMESPACE,
      auth: { type: "basic", username: "admin", password: PASSWORD_HASH },
      serverId: "node-js",
      mode: "development",
      // Switchboard keeps its sessions under <keyPrefix>-admin#<id>: the same store for both
      store: new RedisV4Store(redis, { prefix: `${key}-admin` }),
    });
    await new Promise((done) => http.listen(0, "127.0.0.1", done));
    nodePort = http.address().port;
    node = {
      stop: async () => {
        await new Promise((done) => ioServer.close(() => done()));
        await sub.quit();
      },
    };
    java = await javaStarting;
  });

  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([java?.stop(), node?.stop()]);
    await redis?.quit();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = (url, options) => {
    const socket = recorder(url, options);
    sockets.push(socket);
    return socket;
  };

  test("a login on the Node node opens Switchboard, whose UI sees and commands both nodes", async () => {
    const nodeUrl = `http://127.0.0.1:${nodePort}`;
    const switchboardUrl = `http://127.0.0.1:${java.port}`;
    // wrong credentials are refused on both
    for (const url of [nodeUrl, switchboardUrl]) {
      const refused = open(`${url}${NAMESPACE}`, { auth: { username: "admin", password: "wrong" } });
      await assert.rejects(refused.connected$, /invalid credentials/);
    }
    const login = open(`${nodeUrl}${NAMESPACE}`, { auth: { username: "admin", password: PASSWORD } });
    await login.connected$;
    const [sessionId] = await login.next("session");

    const onNode = open(`${nodeUrl}/`);
    await onNode.connected$;
    const ui = open(`${switchboardUrl}${NAMESPACE}`, { auth: { sessionId } });
    await ui.connected$;
    const [config] = await ui.next("config");
    assert.ok(config.supportedFeatures.includes("ALL_EVENTS"), JSON.stringify(config));

    // the Node node's socket, fetched from Switchboard with what instrument() keeps in its data
    const [all] = await ui.next("all_sockets");
    const listed = all.find((socket) => socket.id === onNode.id);
    assert.ok(listed, JSON.stringify(all));
    assert.equal(listed.nsp, "/");
    assert.equal(listed.transport, "websocket");
    assert.equal(typeof listed.clientId, "string");

    // both nodes' reports reach the UI connected to Switchboard
    await ui.next("server_stats", (stats) => stats.serverId === "node-js");
    await ui.next("server_stats", (stats) => stats.serverId === "switchboard-node");

    // join from the UI on Switchboard: the Node node's socket enters the room, the Node node tells of it
    ui.emit("join", "/", "mixed-room", onNode.id);
    await ui.next("room_joined", (nsp, room, id) => nsp === "/" && room === "mixed-room" && id === onNode.id);
    ui.emit("emit", "/", "mixed-room", "notice", "from the UI on Switchboard");
    // (then Switchboard's connection state recovery offset, which the Node client ignores)
    assert.equal((await onNode.next("notice"))[0], "from the UI on Switchboard");
    await ui.next("event_sent", (nsp, id, args) => id === onNode.id && args[0] === "notice");

    // and the other way round: the login's UI on the Node node hears the Switchboard node
    await login.next("server_stats", (stats) => stats.serverId === "switchboard-node");
    const onSwitchboard = open(`${switchboardUrl}/`, { auth: { token: undefined } });
    await assert.rejects(onSwitchboard.connected$, /Authentication required/); // "/" wants a token there
  });
});
