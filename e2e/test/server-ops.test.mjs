// Graceful drain of the packaged server: on SIGTERM (or SIGINT) readiness turns 503 and new handshakes are
// refused at once, connected socket.io-client sockets get `server-shutdown` {message, reconnect: true}, then
// after drain.gracePeriod they are disconnected and the process exits 0; a watchdog makes it exit 0 by
// drain.deadline whatever hangs. Every wait is on an event with a timeout; nothing sleeps.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { once, withTimeout } from "./support/clients.mjs";
import { claims, connect, signJwt, startSwitchboard, yaml } from "./server-support.mjs";

const SECRET = "e2e-ops-secret-long-enough-for-hmac-sha-256-0123456789";
const token = (sub) => signJwt(claims({ sub }), { alg: "HS256", key: SECRET });

/** Resolves {code, signal, elapsed} when the process has exited (and its output was read). */
function exited(child, since) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode, elapsed: Date.now() - since });
      return;
    }
    child.once("close", (code, signal) => resolve({ code, signal, elapsed: Date.now() - since }));
  });
}

/** What a socket sees from now on: the names of server-shutdown and disconnect, in order. */
function record(socket) {
  const seen = [];
  socket.on("server-shutdown", () => seen.push("server-shutdown"));
  socket.on("disconnect", () => seen.push("disconnect"));
  return seen;
}

describe("graceful drain", () => {
  test("SIGTERM: readiness 503, handshakes refused, server-shutdown, then disconnect, exit 0", async () => {
    const server = await startSwitchboard(
      yaml({ auth: { secret: SECRET }, drain: { gracePeriod: 1500, deadline: 10000 } }),
    );
    const ws = await connect(server.url, { token: token("alice") });
    const polling = await connect(server.url, { token: token("bob"), transports: ["polling"] });
    const seenWs = record(ws);
    const seenPolling = record(polling);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

    const shutdownWs = once(ws, "server-shutdown", { timeout: 10_000 });
    const shutdownPolling = once(polling, "server-shutdown", { timeout: 10_000 });
    const goneWs = once(ws, "disconnect", { timeout: 10_000 });
    const gonePolling = once(polling, "disconnect", { timeout: 10_000 });
    const since = Date.now();
    const child = server.process.process; // the ChildProcess of startJava's handle
    const exit = exited(child, since);
    child.kill("SIGTERM");

    const [notice] = await shutdownWs;
    assert.deepEqual(notice, { message: "server shutting down", reconnect: true });
    await shutdownPolling;
    // during the grace period: not ready, and a new client is refused with the reference 403 JSON
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 403);
    assert.deepEqual(await handshake.json(), { code: 4, message: "Server is shutting down" });

    await Promise.all([goneWs, gonePolling]);
    assert.deepEqual(seenWs, ["server-shutdown", "disconnect"]);
    assert.deepEqual(seenPolling, ["server-shutdown", "disconnect"]);
    const { code, signal, elapsed } = await withTimeout(exit, 15_000, "the process to exit");
    assert.equal(signal, null, server.output());
    assert.equal(code, 0, server.output());
    assert.ok(elapsed >= 1400, `the grace period was kept (${elapsed} ms)`);
    assert.ok(elapsed < 10_000, `exited within the deadline (${elapsed} ms)`);
    assert.match(server.output(), /draining/);
  });

  test("SIGINT with a deadline shorter than the grace period: the watchdog exits 0 in time", async () => {
    const server = await startSwitchboard(
      yaml({ auth: { secret: SECRET }, drain: { gracePeriod: 60000, deadline: 1500 } }),
    );
    const socket = await connect(server.url, { token: token("carol") });
    const shutdown = once(socket, "server-shutdown", { timeout: 10_000 });
    const since = Date.now();
    const child = server.process.process;
    const exit = exited(child, since);
    child.kill("SIGINT");
    await shutdown;
    const { code, signal, elapsed } = await withTimeout(exit, 10_000, "the process to exit");
    assert.equal(signal, null, server.output());
    assert.equal(code, 0, server.output());
    assert.ok(elapsed < 6_000, `halted by the deadline, not after the grace period (${elapsed} ms)`);
    assert.match(server.output(), /deadline of 1500 ms passed/);
  });
});
