// GET /metrics, /healthz and /readyz of the packaged server (io.switchboard.server.Main), read with a real
// Prometheus text-format parser (parse-prometheus-text-format): known traffic from socket.io-client must move
// the counters by exactly what was done. Every wait is on an event; nothing sleeps.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { api, claims, connect, refusal, request, signJwt, startSwitchboard, yaml, WAIT_MS } from "./server-support.mjs";

const SECRET = "e2e-metrics-secret-long-enough-for-hmac-sha-256-0123456789";
const KEY = "e2e-metrics-api-key-0123456789";

let server;
const token = (sub) => signJwt(claims({ sub }), { alg: "HS256", key: SECRET });

async function get(path) {
  const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(WAIT_MS) });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** The families of /metrics, by name. */
async function scrape() {
  const response = await get("/metrics");
  assert.equal(response.status, 200);
  assert.match(response.type, /^text\/plain; version=0\.0\.4/);
  return new Map(parsePrometheusTextFormat(response.text).map((family) => [family.name, family]));
}

/** The sample of a family whose labels include `labels` (0 when there is none); histograms give {count, sum}. */
function value(families, name, labels = {}) {
  const family = families.get(name);
  if (!family) return 0;
  const found = family.metrics.filter((metric) =>
    Object.entries(labels).every(([key, wanted]) => (metric.labels ?? {})[key] === wanted),
  );
  assert.ok(found.length <= 1, `${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  if (found.length === 0) return 0;
  if (family.type === "HISTOGRAM") return { count: Number(found[0].count), sum: Number(found[0].sum) };
  return Number(found[0].value);
}

const delta = (before, after, name, labels) => value(after, name, labels) - value(before, name, labels);

describe("the metrics and health endpoints", () => {
  before(async () => {
    server = await startSwitchboard(
      yaml({
        connectionStateRecovery: { enabled: false },
        auth: { secret: SECRET },
        api: { keys: [KEY] },
        // presence announces joins with broadcasts of its own: off, so that only this traffic counts
        presence: { enabled: false },
      }),
    );
  });

  test("/healthz and /readyz answer JSON", async () => {
    const alive = await get("/healthz");
    assert.equal(alive.status, 200);
    assert.deepEqual(JSON.parse(alive.text), { status: "ok" });
    const ready = await get("/readyz");
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.text), { status: "ready", draining: false, reasons: [] });
  });

  test("counters move by exactly the traffic done", async () => {
    const before = await scrape();
    assert.equal(before.get("switchboard_packets_in_total").type, "COUNTER");
    assert.equal(before.get("switchboard_broadcast_recipients").type, "HISTOGRAM");

    const alice = await connect(server.url, { token: token("alice") });
    const bob = await connect(server.url, { token: token("bob"), transports: ["polling"] });
    assert.equal((await refusal(server.url, { token: "not-a-valid-token" })).message, "Invalid token");
    assert.equal((await get("/socket.io/?EIO=3&transport=polling")).status, 400);

    // three events, then a request on the same socket: its ack means the server has handled all four
    for (let i = 0; i < 3; i++) alice.emit("hello", i);
    assert.deepEqual(await request(alice, "join-room", "chat:lobby"), { ok: true }); // user-joined to nobody
    const joined = alice.next("user-joined");
    assert.deepEqual(await request(bob, "join-room", "chat:lobby"), { ok: true }); // user-joined to alice
    await joined;
    const news = [alice.next("news"), bob.next("news")];
    assert.equal((await api(server, "POST", "/api/emit", { key: KEY, body: { event: "news", data: 1 } })).status, 200);
    await Promise.all(news);

    const during = await scrape();
    assert.equal(delta(before, during, "switchboard_connections_opened_total", { namespace: "/", type: "new" }), 2);
    assert.equal(delta(before, during, "switchboard_connections_opened_total", { type: "recovered" }), 0);
    assert.equal(value(during, "switchboard_sockets_connected", { namespace: "/", transport: "websocket" }), 1);
    assert.equal(value(during, "switchboard_sockets_connected", { namespace: "/", transport: "polling" }), 1);
    assert.equal(value(during, "switchboard_engine_sessions", { transport: "polling" }), 1);
    assert.equal(
      delta(before, during, "switchboard_connect_refused_total", { namespace: "/", reason: "invalid_token" }),
      1,
    );
    assert.equal(
      delta(before, during, "switchboard_handshake_refused_total", { reason: "unsupported_protocol_version" }),
      1,
    );
    assert.equal(delta(before, during, "switchboard_engine_sessions_opened_total", { transport: "websocket" }), 2);
    assert.equal(delta(before, during, "switchboard_engine_sessions_opened_total", { transport: "polling" }), 1);
    assert.equal(delta(before, during, "switchboard_events_in_total", { namespace: "/", event: "hello" }), 3);
    assert.equal(delta(before, during, "switchboard_events_in_total", { namespace: "/", event: "join-room" }), 2);
    assert.equal(delta(before, during, "switchboard_packets_in_total", { type: "connect" }), 3);
    assert.equal(delta(before, during, "switchboard_packets_in_total", { type: "event" }), 5);
    // user-joined to 0 and to 1, news to 2
    assert.equal(delta(before, during, "switchboard_packets_out_total", { type: "event" }), 3);
    assert.equal(delta(before, during, "switchboard_packets_out_total", { type: "ack" }), 2);
    const fanout = value(during, "switchboard_broadcast_recipients");
    const fanoutBefore = value(before, "switchboard_broadcast_recipients");
    assert.deepEqual(
      { count: fanout.count - fanoutBefore.count, sum: fanout.sum - fanoutBefore.sum },
      { count: 3, sum: 3 },
    );
    assert.equal(delta(before, during, "switchboard_upgrades_total"), 0);

    // alice leaves: bob, in chat:lobby with her, hears user-left once the server has handled it
    const left = bob.next("user-left");
    alice.disconnect();
    await left;
    const after = await scrape();
    assert.equal(
      delta(during, after, "switchboard_connections_closed_total", {
        namespace: "/",
        reason: "client_namespace_disconnect",
      }),
      1,
    );
    assert.equal(delta(during, after, "switchboard_packets_in_total", { type: "disconnect" }), 1);
    assert.equal(value(after, "switchboard_sockets_connected", { namespace: "/", transport: "websocket" }), 0);
    assert.equal(value(after, "switchboard_sockets_connected", { namespace: "/", transport: "polling" }), 1);
    for (const name of [
      "switchboard_netty_direct_memory_used_bytes",
      "switchboard_event_loop_pending_tasks",
      "switchboard_ack_round_trip_seconds",
      "jvm_memory_used_bytes",
      "jvm_threads_live_threads",
      "process_uptime_seconds",
    ]) {
      assert.ok(after.has(name), `${name} is missing`);
    }
    assert.ok(!after.has("switchboard_redis_connected"), "no Redis gauge with the memory adapter");
    assert.ok(!server.output().includes("not-a-valid-token"), "a token appeared in the log");
  });
});

describe("a rate-limited flood in the metrics", () => {
  before(async () => {
    server = await startSwitchboard(
      yaml({
        connectionStateRecovery: { enabled: false },
        auth: { secret: SECRET },
        presence: { enabled: false },
        // a small bucket, no disconnect for abuse, and join-room exempt so it can serve as a barrier
        rateLimit: { eventsPerSecond: 1, burst: 2, maxViolations: 0, exemptEvents: ["join-room"] },
      }),
    );
  });

  test("every event dropped by the limit is counted, by name", async () => {
    const flooder = await connect(server.url, { token: token("flooder") });
    const notices = [];
    flooder.on("rate-limit", (notice) => notices.push(notice));
    const before = await scrape();

    for (let i = 0; i < 20; i++) flooder.emit("spam", i);
    // the barrier's ack comes after the server handled every spam event, and after every notice it sent
    assert.deepEqual(await request(flooder, "join-room", "chat:barrier"), { ok: true });

    const after = await scrape();
    assert.ok(notices.length >= 15, `only ${notices.length} of 20 were limited`);
    assert.ok(notices.every((notice) => notice.event === "spam" && notice.retryAfter > 0));
    assert.equal(delta(before, after, "switchboard_rate_limited_total", { event: "spam" }), notices.length);
    assert.equal(delta(before, after, "switchboard_events_in_total", { namespace: "/", event: "spam" }), 20);
    flooder.disconnect();
  });
});

describe("logs", () => {
  test("logging.format json: every stdout line of a start, traffic and a drain is one JSON object", async () => {
    const node = await startSwitchboard(yaml({ auth: { secret: SECRET }, logging: { format: "json" } }));
    const alice = await connect(node.url, { token: token("alice") });
    assert.deepEqual(await request(alice, "join-room", "chat:logs"), { ok: true });
    await refusal(node.url, { token: "not-a-valid-token" });
    const { code } = await node.stop(); // SIGTERM: the drain, logged
    assert.equal(code, 0);

    const lines = node.output().split("\n").filter((line) => line !== "");
    const stderr = lines.filter((line) => line.startsWith("[stderr]"));
    assert.deepEqual(stderr, [], "nothing on stderr");
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        assert.fail(`not a JSON object: ${line}`);
      }
    });
    for (const entry of entries) {
      assert.equal(typeof entry.level, "string");
      assert.equal(typeof entry.loggerName, "string");
      assert.equal(typeof entry.formattedMessage, "string");
      assert.ok(!entry.formattedMessage.includes("{}"), `a raw template: ${entry.formattedMessage}`);
    }
    const messages = entries.map((entry) => entry.formattedMessage);
    assert.ok(messages.some((m) => /listening on 127\.0\.0\.1:\d+/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /^SIGTERM: draining \(deadline \d+ ms\)$/.test(m)), messages.join("\n"));
    assert.ok(messages.includes("drained"), messages.join("\n"));
    assert.ok(!node.output().includes(SECRET), "the JWT secret appeared in the log");
  });
});

describe("promtool", () => {
  test("promtool check metrics accepts /metrics after traffic", async () => {
    const node = await startSwitchboard(yaml({ auth: { secret: SECRET }, presence: { enabled: false } }));
    server = node;
    await connect(node.url, { token: token("carol") });
    await refusal(node.url, { token: "not-a-valid-token" });
    const metrics = await get("/metrics");
    assert.equal(metrics.status, 200);
    const result = spawnSync("promtool", ["check", "metrics"], { input: metrics.text, encoding: "utf8" });
    assert.ok(!result.error, `promtool is missing (apt-get install prometheus; e2e/ensure-test-dependencies): ${result.error}`);
    assert.equal(result.status, 0, `promtool check metrics:\n${result.stdout}${result.stderr}`);
    assert.equal(`${result.stdout}${result.stderr}`.trim(), "", "promtool has remarks");
  });
});
