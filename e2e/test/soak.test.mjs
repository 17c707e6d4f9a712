// Soak: clients connect and disconnect without pause (websocket, polling, polling upgraded to
// websocket; clean disconnects and dropped transports), join rooms, broadcast to them and exchange
// acknowledgements both ways, against one E2eServer process with a fixed, pre-touched heap. The
// server's resident memory, threads and file descriptors are sampled from /proc all along; after a
// warm-up, memory must stay level and threads constant, and once the clients are gone the
// descriptors must be back where they were.
//
//   SOAK_SECONDS=600 node --test test/soak.test.mjs     # the 10-minute run (default: 60 s, for CI)
//
// SOAK_WORKERS (default 6) clients churn side by side; SOAK_RESIDENTS (default 30) stay connected.
//
// Ends with one line `{"soak":{...}}` on stdout: the counts and the figures.

import { test } from "node:test";
import assert from "node:assert/strict";
import { startJava } from "./support/server.mjs";
import { FIXTURE_CLASS, connected, createClient, once } from "./support/clients.mjs";
import { processFigures, slope } from "./support/proc-figures.mjs";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 6);
/** Clients that stay connected all along, in the rooms, receiving the broadcasts. */
const RESIDENTS = Number(process.env.SOAK_RESIDENTS ?? 30);
/** Traffic before the level of memory counts: the JIT, class loading and pools settle in it. */
const WARMUP_SECONDS = Math.min(120, Math.round(SECONDS / 2), Math.max(15, Math.round(SECONDS * 0.3)));
const SAMPLE_MS = 2_000;
/**
 * A level of memory is the median of this many samples: the JIT's compiler arenas and the
 * buffer pools swell and shrink by tens of MiB for a moment; a leak moves the median.
 */
const LEVEL_SAMPLES = 5;
const ROOMS = 4;
const MODES = ["websocket", "polling", "upgrade"];
const MiB = 1024;
/** RSS may end this much above its post-warm-up level: the larger of 5 % and 16 MiB. */
const RSS_SLACK_KIB = (warm) => Math.max(warm * 0.05, 16 * MiB);
const OP_MS = 10_000;
// a fixed heap, all of it resident from the start, so that RSS shows what else the process takes;
// fixed numbers of compiler and GC threads, so that the thread count means the server's own threads
const JVM_ARGS = [
  "-Xms256m",
  "-Xmx256m",
  "-XX:+AlwaysPreTouch",
  "-XX:-UseDynamicNumberOfCompilerThreads",
  "-XX:-UseDynamicNumberOfGCThreads",
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const toMiB = (kib) => Math.round((kib / MiB) * 10) / 10;

/** Polls `figure` until `condition` holds on it, at most `ms`; returns the last value. */
async function until(figure, condition, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = figure();
    if (condition(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * One client's life: connect in a mode, join a room, a few rounds of (ack from the server,
 * broadcast to the room, ack from the client to the server), then leave, cleanly or by dropping
 * the transport.
 */
async function oneSession(url, worker, session, stats) {
  const mode = MODES[(worker + session) % MODES.length];
  const socket = createClient(url, mode, { reconnection: false, timeout: OP_MS });
  socket.on("question", (...args) => args.pop()("answered"));
  socket.on("news", () => stats.broadcastsReceived++);
  try {
    await connected(socket);
    stats.connects++;
    const room = `room-${(worker + session) % ROOMS}`;
    assert.ok((await socket.timeout(OP_MS).emitWithAck("join", room)).includes(room));
    const rounds = 1 + (session % 3);
    for (let i = 0; i < rounds; i++) {
      const payload = { worker, session, i, text: "x".repeat(64 + (session % 8) * 256) };
      assert.deepEqual(await socket.timeout(OP_MS).emitWithAck("echo-ack", payload), payload);
      stats.acks++;
      await socket.timeout(OP_MS).emitWithAck("to-room", { room, event: "news", args: [worker, session, i] });
      stats.broadcasts++;
      const answer = once(socket, "answer", { timeout: OP_MS });
      await socket.timeout(OP_MS).emitWithAck("ask-client", { timeout: OP_MS, args: [i], tag: `${session}` });
      const [report] = await answer;
      assert.deepEqual(report.args, ["answered"], JSON.stringify(report));
      stats.serverAcks++;
    }
  } finally {
    if (session % 4 === 3 && socket.io.engine) {
      socket.io.engine.close(); // the transport goes without a DISCONNECT packet
    } else {
      socket.disconnect();
    }
    stats.disconnects++;
  }
}

/** Sessions one after the other until the deadline; failures are counted, not thrown. */
async function churn(url, worker, deadline, stats) {
  for (let session = 0; Date.now() < deadline(); session++) {
    try {
      await oneSession(url, worker, session, stats);
    } catch (error) {
      stats.failures.push(`worker ${worker}, session ${session}: ${error.message}`);
    }
  }
}

test(
  `soak: ${SECONDS} s of connection churn with broadcasts and acks`,
  { timeout: (SECONDS + 180) * 1000 },
  async () => {
    const server = await startJava(FIXTURE_CLASS, [], { jvmArgs: JVM_ARGS, timeoutMs: 60_000 });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      const figures = () => processFigures(server.process.pid);
      const stats = {
        connects: 0,
        disconnects: 0,
        broadcasts: 0,
        broadcastsReceived: 0,
        acks: 0,
        serverAcks: 0,
        failures: [],
      };
      const idle = figures();

      // one session per worker and mode loads what every path needs; then the idle baseline
      await Promise.all(
        Array.from({ length: WORKERS }, (_, worker) => {
          let left = MODES.length;
          return churn(url, worker, () => (left-- > 0 ? Infinity : 0), stats);
        }),
      );
      await until(figures, (now) => now.sockets <= idle.sockets, 30_000, "sockets after the first sessions");
      const baseline = figures();

      const residents = await Promise.all(
        Array.from({ length: RESIDENTS }, async (_, i) => {
          const socket = createClient(url, MODES[i % MODES.length], { reconnection: false, timeout: OP_MS });
          socket.on("news", () => stats.broadcastsReceived++);
          await connected(socket);
          await socket.timeout(OP_MS).emitWithAck("join", `room-${i % ROOMS}`);
          return socket;
        }),
      );

      const samples = [];
      const started = Date.now();
      const sampler = setInterval(() => samples.push({ at: Date.now() - started, ...figures() }), SAMPLE_MS);
      const end = started + SECONDS * 1000;
      const warmEnd = started + WARMUP_SECONDS * 1000;
      let warm;
      const warmTimer = setTimeout(() => {
        const recent = samples.slice(-LEVEL_SAMPLES);
        warm = { rssKiB: median(recent.map((s) => s.rssKiB)), threads: figures().threads, at: Date.now() - started };
      }, warmEnd - Date.now());
      try {
        await Promise.all(Array.from({ length: WORKERS }, (_, worker) => churn(url, worker, () => end, stats)));
      } finally {
        clearInterval(sampler);
        clearTimeout(warmTimer);
      }
      const during = samples.filter((s) => s.at >= warm.at);
      const rssEnd = median(samples.slice(-LEVEL_SAMPLES).map((s) => s.rssKiB));
      const threadsMax = Math.max(...during.map((s) => s.threads));
      const residentsStillConnected = residents.filter((socket) => socket.connected).length;
      for (const socket of residents) socket.disconnect();

      // the clients are gone: the server must give back every connection's descriptor
      const after = await until(
        figures,
        (now) => now.sockets <= baseline.sockets && now.fds - now.sockets <= baseline.fds - baseline.sockets + 2,
        30_000,
        "descriptors once the clients are gone",
      );

      const summary = {
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        workers: WORKERS,
        residents: RESIDENTS,
        connects: stats.connects,
        disconnects: stats.disconnects,
        broadcasts: stats.broadcasts,
        broadcastsReceived: stats.broadcastsReceived,
        acks: stats.acks,
        serverAcks: stats.serverAcks,
        failures: stats.failures.length,
        rssMiB: {
          idle: toMiB(idle.rssKiB),
          warm: toMiB(warm.rssKiB),
          end: toMiB(rssEnd),
          max: toMiB(Math.max(...during.map((s) => s.rssKiB))),
          slopePerMin: toMiB(slope(during.map((s) => s.at / 60_000), during.map((s) => s.rssKiB))),
        },
        threads: { idle: idle.threads, warm: warm.threads, max: threadsMax, end: after.threads },
        fds: { baseline: baseline.fds, peak: Math.max(...samples.map((s) => s.fds)), end: after.fds },
        sockets: { baseline: baseline.sockets, peak: Math.max(...samples.map((s) => s.sockets)), end: after.sockets },
      };
      console.log(JSON.stringify({ soak: summary }));

      assert.deepEqual(stats.failures.slice(0, 5), [], `${stats.failures.length} sessions failed`);
      assert.ok(stats.connects > WORKERS * 10, "the clients churned");
      assert.equal(residentsStillConnected, RESIDENTS, "the long-lived clients stayed connected");
      assert.equal(stats.disconnects, stats.connects + stats.failures.length);
      assert.ok(stats.broadcastsReceived >= stats.broadcasts, "every broadcast reached at least its sender's room");
      assert.ok(
        rssEnd - warm.rssKiB <= RSS_SLACK_KIB(warm.rssKiB),
        `RSS grew from ${toMiB(warm.rssKiB)} MiB after warm-up to ${toMiB(rssEnd)} MiB`,
      );
      assert.ok(threadsMax <= warm.threads, `threads went from ${warm.threads} after warm-up to ${threadsMax}`);
      assert.ok(after.threads <= warm.threads, `threads ${after.threads} once idle, ${warm.threads} after warm-up`);
    } finally {
      await server.stop();
    }
  },
);
