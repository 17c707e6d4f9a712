// Presence in the packaged server, with the real socket.io-client: two nodes sharing a Redis
// (adapter.type: redis). A user is online while one of their sockets is connected on any node; each
// change is announced once, as `presence` {userId, status, at}, to the user's org room; `presence:query`
// (ack) and GET /api/presence answer for the whole cluster. Needs a Redis: REDIS_URL, else 127.0.0.1:6379.
//
// Connection state recovery is on (the packaged default), so events carry the recovery offset as an extra
// last argument: the assertions look at the first argument.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { api, claims, connect, request, signJwt, startSwitchboard, unique, yaml, WAIT_MS } from "./server-support.mjs";

const SECRET = "e2e-presence-secret-long-enough-for-hmac-sha-256-0123456789";
const API_KEY = "e2e-presence-api-key-0123456789";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

let one;
let two;
const as = (server, sub, orgId) =>
  connect(server.url, { token: signJwt(claims({ sub, orgId }), { alg: "HS256", key: SECRET }) });

/** The next presence event of `userId` with `status` on a socket. */
async function presence(socket, userId, status) {
  const [event] = await socket.inbox.next(
    "presence",
    WAIT_MS,
    ([candidate]) => candidate?.userId === userId && candidate?.status === status,
  );
  return event;
}

/** Polls until `check` holds for the answer (presence travels asynchronously); bounded by WAIT_MS. */
async function eventually(ask, check) {
  const deadline = Date.now() + WAIT_MS;
  let answer;
  do {
    answer = await ask();
    if (check(answer)) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  assert.fail(`not reached within ${WAIT_MS} ms; last answer ${JSON.stringify(answer)}`);
}

const entry = (answer, userId) => answer.users.find((user) => user.userId === userId);

describe("presence across two nodes", () => {
  before(async () => {
    const config = yaml({
      auth: { secret: SECRET },
      api: { keys: [API_KEY] },
      presence: { offlineGrace: 0 }, // announced at once: these tests count the transitions themselves
      adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: unique("switchboard-e2e-presence") } },
    });
    [one, two] = await Promise.all([startSwitchboard(config), startSwitchboard(config)]);
  });

  test("online while one socket is connected anywhere, announced once to the org", async () => {
    const watcher = await as(one, "watcher", "acme");
    const outsider = await as(one, "outsider", "globex");
    const first = await as(one, "alice", "acme");
    const second = await as(two, "alice", "acme");
    const online = await presence(watcher, "alice", "online");
    assert.ok(online.at > 0);

    const both = await eventually(
      () => request(watcher, "presence:query", ["alice", "nobody"]),
      (answer) => entry(answer, "alice")?.connections === 2,
    );
    assert.deepEqual(entry(both, "alice"), { userId: "alice", online: true, connections: 2, lastSeen: null });
    assert.deepEqual(entry(both, "nobody"), { userId: "nobody", online: false, connections: 0, lastSeen: null });

    await request(first, "join-room", "chat:presence");
    const room = await request(watcher, "presence:query", { room: "chat:presence" });
    assert.deepEqual(room, { room: "chat:presence", users: [{ userId: "alice", connections: 1 }] });

    const http = await api(two, "GET", "/api/presence?users=alice,nobody", { key: API_KEY });
    assert.equal(http.status, 200);
    assert.equal(entry(http.body, "alice").connections, 2);
    const byRoom = await api(one, "GET", "/api/presence?room=chat:presence", { key: API_KEY });
    assert.deepEqual(byRoom.body, { room: "chat:presence", users: [{ userId: "alice", connections: 1 }] });

    first.disconnect();
    await eventually(
      () => request(watcher, "presence:query", ["alice"]),
      (answer) => entry(answer, "alice").connections === 1,
    );
    second.disconnect();
    const offline = await presence(watcher, "alice", "offline");
    const gone = await request(watcher, "presence:query", { users: ["alice"] });
    assert.deepEqual(entry(gone, "alice"), { userId: "alice", online: false, connections: 0, lastSeen: offline.at });

    // exactly one of each: packets to one connection keep their order, so once a later event came,
    // nothing else about alice was on its way
    await as(two, "marker", "acme");
    await presence(watcher, "marker", "online");
    const aboutAlice = watcher.inbox.all("presence").filter(([event]) => event.userId === "alice");
    assert.deepEqual(aboutAlice.map(([event]) => event.status), ["online", "offline"]);
    await as(two, "globex-marker", "globex");
    await presence(outsider, "globex-marker", "online");
    assert.equal(outsider.inbox.all("presence").filter(([event]) => event.userId === "alice").length, 0,
      "another org hears nothing");
  });
});
