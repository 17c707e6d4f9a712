// A Redis Cluster of 3 masters and 3 replicas of the test's own, on loopback ports 31050-31055 (cluster bus
// 31060-31065), data under a temporary directory: started by the test, killed when it ends (and at process exit).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CLUSTER_PORTS = [31050, 31051, 31052, 31053, 31054, 31055];

function answers(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cli = (port, ...args) => execFileSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" });

/** Starts the cluster; resolves to {seeds: ["redis://127.0.0.1:31050", …], javaUrl, stop()}. */
export async function startRedisCluster() {
  const dir = mkdtempSync(join(tmpdir(), "sb-redis-cluster-"));
  const children = [];
  const kill = () => children.forEach((child) => child.exitCode === null && child.kill("SIGKILL"));
  process.on("exit", kill);
  for (const port of CLUSTER_PORTS) {
    // a server left by a test process that died holds the port: it is told to go
    if (await answers(port)) {
      try { cli(port, "shutdown", "nosave"); } catch { /* it went */ }
      await waitFor(`port ${port} freed`, async () => !(await answers(port)));
    }
    children.push(spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--dir", dir, "--cluster-enabled", "yes", "--cluster-port", String(port + 10),
      "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "1000"], { stdio: "ignore" }));
  }
  for (const port of CLUSTER_PORTS) await waitFor(`redis-server on ${port}`, () => answers(port));
  execFileSync("redis-cli", ["--cluster", "create", ...CLUSTER_PORTS.map((port) => `127.0.0.1:${port}`),
    "--cluster-replicas", "1", "--cluster-yes"], { encoding: "utf8" });
  await waitFor("cluster_state:ok on every node",
    async () => CLUSTER_PORTS.every((port) => cli(port, "cluster", "info").includes("cluster_state:ok")));
  return {
    seeds: CLUSTER_PORTS.map((port) => `redis://127.0.0.1:${port}`),
    javaUrl: `redis-cluster://${CLUSTER_PORTS.map((port) => `127.0.0.1:${port}`).join(",")}`,
    stop: async () => {
      kill();
      await Promise.all(children.map((child) => child.exitCode !== null ? null
        : new Promise((done) => child.once("exit", done))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
