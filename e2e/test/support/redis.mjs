// The e2e tests that need Redis fail loudly when it does not answer, naming the test and the URL.

import net from "node:net";
import assert from "node:assert/strict";

/** Fails unless Redis at `url` answers PING within 3 s. */
export async function assertRedis(url, who) {
  const { hostname, port } = new URL(url);
  const answer = await new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname || "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer"));
    }, 3000);
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data.toString());
    });
  }).catch((error) => {
    throw new Error(`${who} needs Redis at ${url} (REDIS_URL): ${error.message}`);
  });
  assert.match(answer, /PONG/, `Redis at ${url} answered ${JSON.stringify(answer)} to PING`);
}
