// Two packaged servers sharing a Redis (adapter.type: redis): the HTTP API of one node reaches the
// clients of the other, and lists them. Needs a Redis: REDIS_URL, else 127.0.0.1:6379 (started by
// e2e/ensure-test-dependencies).

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { once } from "./support/clients.mjs";
import { api, claims, connect, request, signJwt, startSwitchboard, unique, yaml } from "./server-support.mjs";

const SECRET = "e2e-cluster-secret-long-enough-for-hmac-sha-256-0123456789";
const KEY = "e2e-cluster-key-0123456789";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

describe("two nodes over Redis", () => {
  let one;
  let two;
  before(async () => {
    const config = yaml({
      adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: unique("switchboard-e2e") } },
      auth: { secret: SECRET },
      api: { keys: [KEY] },
    });
    [one, two] = await Promise.all([startSwitchboard(config), startSwitchboard(config)]);
  });

  const as = (node, sub) =>
    connect(node.url, { token: signJwt(claims({ sub }), { alg: "HS256", key: SECRET }) });

  test("an emit through one node's API reaches a user connected to the other node", async () => {
    const socket = await as(two, "cluster-user");
    const event = unique("pushed");
    const received = socket.next(event);
    const response = await api(one, "POST", "/api/emit", {
      key: KEY,
      body: { users: ["cluster-user"], event, data: { from: "node one" } },
    });
    assert.equal(response.status, 200);
    assert.deepEqual((await received)[0], { from: "node one" }, "the first argument (then the recovery offset)");
  });

  test("room messages and the socket list span the nodes", async () => {
    const room = unique("chat:cluster");
    const a = await as(one, "cluster-alice");
    const b = await as(two, "cluster-bob");
    await request(a, "join-room", room);
    await request(b, "join-room", room);
    await request(b, "room-message", { roomId: room, message: "across" });
    const [got] = await a.next("room-message"); // then the recovery offset
    assert.equal(got.message, "across");
    assert.equal(got.userId, "cluster-bob");

    const { status, body } = await api(one, "GET", `/api/sockets?room=${encodeURIComponent(room)}`, { key: KEY });
    assert.equal(status, 200);
    assert.deepEqual(body.sockets.map((s) => s.id).sort(), [a.id, b.id].sort());
    assert.ok(body.sockets.every((s) => s.data.user.sub.startsWith("cluster-")));

    const gone = once(b, "disconnect");
    await api(one, "POST", "/api/disconnect", { key: KEY, body: { user: "cluster-bob" } });
    assert.equal((await gone)[0], "io server disconnect");
  });
});
