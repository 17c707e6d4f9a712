// NGINX with the repository's configuration (nginx/nginx.conf + nginx/upstreams.conf), rendered for nodes on
// loopback ports and started as a child process, for the tests that go through the front door as users do.
//
// Debian's NGINX (1.22) predates the upstream servers' `resolve` parameter (1.27.3) that the compose file's image
// uses to look Docker's names up again; the rendered copy names 127.0.0.1 ports, which need no lookup, without it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./server.mjs";

/** Resolves when `check()` returns a truthy value; rejects with `describe()` after `timeout` ms. */
export async function until(check, { timeout = 10_000, every = 50, what = "a condition", describe = () => "" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The NGINX to run: $NGINX, `nginx` on the PATH or /usr/sbin/nginx; throws saying how to get one. */
export function nginxExecutable() {
  for (const candidate of [process.env.NGINX, "nginx", "/usr/sbin/nginx"].filter(Boolean)) {
    const result = spawnSync(candidate, ["-v"], { encoding: "utf8" });
    if (result.status === 0) return candidate;
  }
  throw new Error("cluster-nginx test needs NGINX: no `nginx` on PATH nor /usr/sbin/nginx (set $NGINX)");
}

/** Replaces `from` by `to` in `text`, which must contain `from` exactly once. */
function replaceOnce(text, from, to, file) {
  const parts = text.split(from);
  assert.equal(parts.length, 2, `${file} must contain "${from}" exactly once (the test renders it)`);
  return parts.join(to);
}

/**
 * Renders the repository's NGINX configuration for these node ports (as many as upstreams.conf names) and listen
 * port, checks it with `nginx -t` and starts NGINX; resolves once NGINX answers `readyPath` with 200.
 *
 * `upstreams`: the file of nginx/ to use (upstreams.conf, sticky; upstreams-any-node.conf, round robin).
 * `logUpstreams`: the access log names, per request, the node that served it (`accessLog()` returns the lines
 * "<node address> <seconds taken> <status> <method> <uri>").
 */
export async function startNginx(nodePorts, listenPort,
  { upstreams: upstreamsName = "upstreams.conf", readyPath = "/healthz", logUpstreams = false } = {}) {
  const executable = nginxExecutable();
  const prefix = mkdtempSync(join(tmpdir(), "switchboard-nginx-e2e-"));
  chmodSync(prefix, 0o755); // workers may run as another user when the test runs as root
  mkdirSync(join(prefix, "temp"));
  mkdirSync(join(prefix, "conf"));
  const confFile = join(REPO_ROOT, "nginx", "nginx.conf");
  const upstreamsFile = join(REPO_ROOT, "nginx", upstreamsName);
  let conf = replaceOnce(readFileSync(confFile, "utf8"), "listen 80;", `listen 127.0.0.1:${listenPort};`, confFile);
  const accessLog = "access_log /var/log/nginx/access.log;";
  conf = replaceOnce(conf, accessLog, logUpstreams
    ? `log_format upstreams '$upstream_addr $request_time $status $request_method $request_uri'; access_log ${join(prefix, "access.log")} upstreams;`
    : `access_log ${join(prefix, "access.log")};`, confFile);
  let upstreams = readFileSync(upstreamsFile, "utf8");
  nodePorts.forEach((port, i) => {
    upstreams = replaceOnce(upstreams, `server switchboard-${i + 1}:3000 resolve`, `server 127.0.0.1:${port}`,
      upstreamsFile);
  });
  const directives = upstreams.replace(/#.*$/gm, "");
  if (upstreamsName === "upstreams.conf") assert.match(directives, /ip_hash;/);
  else assert.doesNotMatch(directives, /ip_hash|hash |sticky/, `${upstreamsName} must not be sticky`);
  writeFileSync(join(prefix, "conf", "nginx.conf"), conf);
  writeFileSync(join(prefix, "conf", "upstreams.conf"), upstreams);

  const args = ["-p", prefix, "-c", join(prefix, "conf", "nginx.conf"), "-e", "stderr",
    "-g", `daemon off; pid ${join(prefix, "nginx.pid")};`];
  const check = spawnSync(executable, [...args, "-t"], { encoding: "utf8" });
  assert.equal(check.status, 0, `nginx -t refused the rendered configuration:\n${check.stderr}`);

  const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
  let alive = true;
  exited.then(() => (alive = false));
  const url = `http://127.0.0.1:${listenPort}`;
  await until(
    async () => {
      if (!alive) throw new Error("nginx exited");
      const response = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      return response.status === 200;
    },
    { timeout: 10_000, what: `NGINX to answer ${readyPath}`, describe: (e) => `${e?.message ?? e}\n${output}` },
  );
  return {
    url,
    port: listenPort,
    output: () => output,
    accessLog: () => readFileSync(join(prefix, "access.log"), "utf8").split("\n").filter(Boolean),
    stop: async () => {
      if (alive) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
