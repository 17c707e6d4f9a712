// One Java node and one Node node on the same Redis under a fresh key prefix, and the clients of a test.

import { randomBytes } from "node:crypto";
import { createClient, createCluster } from "redis";
import { startRedisCluster } from "./redis-cluster.mjs";
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

/** A command for the test's own client, routed by the channel's slot when that client is a cluster one. */
function command(redis, channel, args) {
  return Array.isArray(redis.masters) ? redis.sendCommand(channel, true, args) : redis.sendCommand(args);
}

export async function numsub(redis, channel) {
  if (Array.isArray(redis.masters)) {
    // a Redis Cluster: summed over the masters, as Node's adapter counts with a cluster client
    const counts = await Promise.all(redis.masters.map(async (master) =>
      Number((await (await redis.nodeClient(master)).sendCommand(["PUBSUB", "NUMSUB", channel]))[1])));
    return counts.reduce((sum, count) => sum + count, 0);
  }
  const reply = await redis.sendCommand(["PUBSUB", "NUMSUB", channel]);
  return Number(reply[1]);
}

async function clusterClient(seeds) {
  const client = createCluster({ rootNodes: seeds.map((url) => ({ url })) });
  client.on("error", () => {});
  await client.connect();
  return client;
}

async function waitFor(what, condition, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function shardNumsub(redis, channel) {
  const reply = await command(redis, channel, ["PUBSUB", "SHARDNUMSUB", channel]);
  return Number(reply[1]);
}

/**
 * With `sharded`, both nodes speak the sharded protocol (SSUBSCRIBE/SPUBLISH, dynamic mode). With `redisCluster`,
 * they are on a Redis Cluster of the test's own (3 masters, 3 replicas), the Node node through node-redis's
 * createCluster, the Switchboard node through a redis-cluster:// URL.
 */
export async function startCluster({ sharded = false, redisCluster = false } = {}) {
  const key = `sbmix-${randomBytes(4).toString("hex")}`;
  const ownCluster = redisCluster ? await startRedisCluster() : null;
  const redis = ownCluster ? await clusterClient(ownCluster.seeds) : await redisClient();
  const java = await startJavaNode({ key, redisUrl: ownCluster ? ownCluster.javaUrl : REDIS_URL, sharded });
  const node = await startNodeNode({ key, redisUrl: REDIS_URL, seeds: ownCluster?.seeds, requestsTimeout: 2000,
    sharded });
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
      await ownCluster?.stop();
    },
  };
}
