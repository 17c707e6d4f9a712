// The Node reference server for Switchboard's benchmarks: socket.io 4.8 with its default settings and the same
// three handlers as the Switchboard and raw Netty bench servers.
//
//   node server.mjs --port P [--host 127.0.0.1] [--parser default|msgpack] [--recovery] [--max-lifetime-s 900]
//
// --recovery: connection state recovery on, with the reference's defaults (2 minutes, middlewares skipped).
//
// --parser msgpack: the only change, `parser: require("socket.io-msgpack-parser")` (3.0.2, package.json), as its
// README says; the default parser otherwise.
//
// Prints "READY <port>" once listening. GET /bench/gc runs a full GC when node was started with --expose-gc (the
// harness does) and answers process.memoryUsage().
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { Server } from "socket.io";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) =>
    a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const port = Number(args.port ?? 3000);
const host = args.host ?? "127.0.0.1";
const maxLifetime = Number(args["max-lifetime-s"] ?? 900);

// bounded in time, and gone when the harness is
setTimeout(() => { console.error("bench server: lifetime over, exiting"); process.exit(5); }, maxLifetime * 1000).unref();
const parent = process.ppid;
setInterval(() => {
  try { process.kill(parent, 0); } catch { console.error("bench server: parent gone, exiting"); process.exit(5); }
}, 500).unref();

const http = createServer((req, res) => {
  if (req.url.startsWith("/bench/gc")) {
    if (typeof globalThis.gc === "function") globalThis.gc();
    const m = process.memoryUsage();
    const body = JSON.stringify({ heap_used: m.heapUsed, heap_committed: m.heapTotal, external: m.external,
      array_buffers: m.arrayBuffers, rss: m.rss });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
});

const parserName = args.parser ?? "default";
if (parserName !== "default" && parserName !== "msgpack") {
  console.error(`bench server: unknown parser ${parserName} (default or msgpack)`);
  process.exit(2);
}
// loaded only when asked for, so the default server is exactly what it was
const options = {};
if (parserName === "msgpack") options.parser = createRequire(import.meta.url)("socket.io-msgpack-parser");
if ("recovery" in args) options.connectionStateRecovery = { maxDisconnectionDuration: 120_000, skipMiddlewares: true };
const io = new Server(http, options); // default settings otherwise

io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(typeof room === "string" ? room : "bench");
    if (typeof ack === "function") ack();
  });
  // what the packaged Switchboard server does on join-room: join, tell the room who joined, acknowledge; so that
  // its rooms figures have a Node server doing the same work to be compared with (bench server "node-announcing")
  socket.on("join-room", (room, ack) => {
    if (typeof room !== "string") return;
    socket.join(room);
    socket.to(room).emit("user-joined", { userId: socket.id, username: socket.id, roomId: room });
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("echo", (...args) => {
    const ack = args.pop();
    if (typeof ack === "function") ack(...args);
  });
  socket.on("bcast", (...args) => {
    io.to("bench").emit("tick", ...args);
  });
});

http.listen(port, host, () => {
  console.log(`READY ${http.address().port}`);
});
