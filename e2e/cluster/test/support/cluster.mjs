// One Java node and one Node node on the same Redis under a fresh key prefix, and the clients of a test.

import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { startJavaNode } from "./java.mjs";
import { startNodeNode } from "./node-server.mjs";
import { connect } from "./clients.mjs";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** A Redis client for the test itself; fails with a hint when no Redis answers. */
export async function redisClient() {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`no Redis at ${REDIS_URL} (${err.message}): set REDIS_URL or start one on 127.0.0.1:6379 ` +
      "(`redis-server --daemonize yes`, or `bash e2e/ensure-test-dependencies`)");
  }
  return client;
}

export async function numsub(redis, channel) {
  const reply = await redis.sendCommand(["PUBSUB", "NUMSUB", channel]);
  return Number(reply[1]);
}

async function waitFor(what, condition, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function shardNumsub(redis, channel) {
  const reply = await redis.sendCommand(["PUBSUB", "SHARDNUMSUB", channel]);
  return Number(reply[1]);
}

/** With `sharded`, both nodes speak the sharded protocol (SSUBSCRIBE/SPUBLISH, dynamic mode). */
export async function startCluster({ sharded = false } = {}) {
  const key = `sbmix-${randomBytes(4).toString("hex")}`;
  const redis = await redisClient();
  const java = await startJavaNode({ key, redisUrl: REDIS_URL, sharded });
  const node = await startNodeNode({ key, redisUrl: REDIS_URL, requestsTimeout: 2000, sharded });
  for (const nsp of ["/", "/other"]) {
    await waitFor(`both nodes subscribed on ${nsp}`, async () => (sharded
      ? await shardNumsub(redis, `${key}#${nsp}#`)
      : await numsub(redis, `${key}-request#${nsp}#`)) === 2);
  }
  let clients = [];
  return {
    key,
    redis,
    java,
    node,
    /** A client of the Java node ("java") or of the Node node ("node"). */
    async client(side, options = {}) {
      const client = await connect(side === "java" ? java.port : node.port, options);
      clients.push(client);
      return client;
    },
    waitFor,
    /** Disconnects the clients made so far, so that the next test starts with none. */
    closeClients() {
      for (const client of clients) client.socket.disconnect();
      clients = [];
    },
    async stop() {
      for (const client of clients) client.socket.disconnect();
      await node.stop();
      await java.stop();
      await redis.quit();
    },
  };
}
