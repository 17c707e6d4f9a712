// The Node node of the mixed cluster: socket.io 4.8 with @socket.io/redis-adapter 8.3 (classic protocol, or the
// sharded one with `sharded: true`), with the
// same control events as the Java node (ClusterNodeMain.java), so that every test can drive either side alike.

import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient, createCluster } from "redis";

const NODE_NAME = "node";

/** Starts the Node node; resolves to {port, io, serverSideLog, stop()}. */
export async function startNodeNode({ key, redisUrl, seeds, requestsTimeout = 5000, sharded = false }) {
  // with seeds: a Redis Cluster client, as a Node deployment on a Redis Cluster has it
  const pub = seeds ? createCluster({ rootNodes: seeds.map((url) => ({ url })) }) : createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on("error", (err) => console.error("node redis:", err.message));
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer();
  const adapter = sharded
    ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: "dynamic" })
    : createAdapter(pub, sub, { key, requestsTimeout });
  const io = new Server(http, { adapter });
  const serverSideLog = [];
  for (const name of ["/", "/other"]) install(io.of(name), serverSideLog);
  await new Promise((done) => http.listen(0, "127.0.0.1", done));
  return {
    port: http.address().port,
    io,
    serverSideLog,
    stop: async () => {
      io.local.disconnectSockets(true);
      await new Promise((done) => io.close(() => done()));
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
}

function select(nsp, request = {}) {
  let operator = nsp.to(request.rooms ?? []);
  if (request.except?.length) operator = operator.except(request.except);
  return operator;
}

function describe(socket) {
  return {
    id: socket.id,
    rooms: [...socket.rooms].sort(),
    data: socket.data,
    auth: socket.handshake.auth,
    query: socket.handshake.query,
    address: socket.handshake.address,
  };
}

function install(nsp, serverSideLog) {
  const record = (event, args) => serverSideLog.push({ nsp: nsp.name, event, args });
  nsp.on("ping", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    record("ping", args);
    ack?.(`pong:${NODE_NAME}:${args[0]}`);
  });
  nsp.on("note", (...args) => record("note", args));
  nsp.on("silent", (...args) => {
    if (typeof args[args.length - 1] === "function") args.pop();
    record("silent", args);
  });

  nsp.on("connection", (socket) => {
    socket.data = { node: NODE_NAME, tag: socket.handshake.auth?.tag ?? "" };
    socket.on("set-data", (value, ack) => {
      socket.data = value;
      ack("ok");
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      ack([...socket.rooms].sort());
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      ack([...socket.rooms].sort());
    });
    socket.on("broadcast", (request, ack) => {
      const args = [...(request.args ?? [])];
      if (request.date) args.push(new Date(request.date));
      select(nsp, request).emit(request.event, ...args);
      ack("ok");
    });
    socket.on("socket-broadcast", (request, ack) => {
      socket.broadcast.emit(request.event, ...(request.args ?? []));
      ack("ok");
    });
    socket.on("broadcast-with-ack", (request, ack) => {
      select(nsp, request).timeout(request.timeout ?? 3000).emit(request.event, ...(request.args ?? []),
        (err, responses) => ack({ error: err ? err.message : null, responses }));
    });
    socket.on("fetch", async (request, ack) => {
      try {
        const sockets = await select(nsp, request).fetchSockets();
        ack({ sockets: sockets.map(describe) });
      } catch (err) {
        ack({ error: err.message });
      }
    });
    socket.on("remote", async (request, ack) => {
      const target = (await nsp.fetchSockets()).find((s) => s.id === request.id);
      if (!target) return ack("not found");
      const arg = request.arg;
      switch (request.op) {
        case "emit": target.emit(arg.event, ...(arg.args ?? [])); break;
        case "join": target.join(arg); break;
        case "leave": target.leave(arg); break;
        case "disconnect": target.disconnect(Boolean(arg)); break;
        default: return ack("unknown op");
      }
      ack("ok");
    });
    socket.on("sockets-join", (request, ack) => {
      select(nsp, request).socketsJoin(request.join);
      ack("ok");
    });
    socket.on("sockets-leave", (request, ack) => {
      select(nsp, request).socketsLeave(request.leave);
      ack("ok");
    });
    socket.on("disconnect-sockets", (request, ack) => {
      select(nsp, request).disconnectSockets(Boolean(request.close));
      ack("ok");
    });
    socket.on("server-side-emit", async (request, ack) => {
      if (!request.ack) {
        nsp.serverSideEmit(request.event, ...(request.args ?? []));
        return ack("ok");
      }
      nsp.serverSideEmit(request.event, ...(request.args ?? []), (err, responses) =>
        ack({ error: err ? err.message : null, responses }));
    });
    socket.on("server-side-log", (ack) => ack(serverSideLog));
    socket.on("all-rooms", async (ack) => {
      try {
        ack({ rooms: [...(await nsp.adapter.allRooms())].sort() });
      } catch (err) {
        ack({ error: err.message });
      }
    });
    socket.on("server-count", async (ack) => ack(await nsp.adapter.serverCount()));
  });
}
