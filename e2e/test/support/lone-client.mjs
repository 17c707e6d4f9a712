// A socket.io-client in a process of its own, for tests that kill the client abruptly:
//
//   node lone-client.mjs <url> <websocket|polling|upgrade>
//
// prints "connected <socket id> <transport>" once connected (and, in "upgrade" mode, upgraded), then
// waits to be killed.

import { io } from "socket.io-client";

const MODES = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: { transports: ["polling", "websocket"] },
};
const [url, mode] = process.argv.slice(2);
const socket = io(url, { ...MODES[mode], reconnection: false });
const upgraded =
  mode === "upgrade" ? new Promise((resolve) => socket.io.engine.once("upgrade", resolve)) : Promise.resolve();
socket.once("connect", async () => {
  await upgraded;
  process.stdout.write(`connected ${socket.id} ${socket.io.engine.transport.name}\n`);
});
socket.on("connect_error", (error) => {
  process.stderr.write(`connect_error ${error.message}\n`);
  process.exit(2);
});
