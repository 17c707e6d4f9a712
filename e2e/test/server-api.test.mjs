// The backend HTTP API of the packaged server: API keys, routing and errors, and what it does to
// connected socket.io-client sockets (emit to rooms, users and namespaces, disconnect, list sockets).
// Connection state recovery is off here, so that events carry exactly the arguments sent (with it on, the
// recovery offset is appended as a last argument, as the reference server does).

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { once } from "./support/clients.mjs";
import { api, claims, connect, request, signJwt, startSwitchboard, unique, yaml } from "./server-support.mjs";

const SECRET = "e2e-api-secret-long-enough-for-hmac-sha-256-0123456789";
const KEY = "e2e-backend-key-0123456789";
const OTHER_KEY = "e2e-second-backend-key-0123456789";

let server;
const as = (sub, options = {}) =>
  connect(server.url, { token: signJwt(claims({ sub, orgId: "acme" }), { alg: "HS256", key: SECRET }), ...options });

/** Emits a barrier to everyone through the API and waits until each socket has it. */
async function barrier(sockets, nsp = "/") {
  const event = unique("barrier");
  const waits = sockets.map((socket) => socket.next(event));
  assert.equal((await api(server, "POST", "/api/emit", { key: KEY, body: { namespace: nsp, event } })).status, 200);
  await Promise.all(waits);
}

describe("the HTTP API", () => {
  before(async () => {
    server = await startSwitchboard(
      yaml({
        server: { namespaces: ["/chat"] },
        connectionStateRecovery: { enabled: false },
        auth: { secret: SECRET },
        api: { keys: [KEY, OTHER_KEY] },
      }),
    );
  });

  test("without a key, or with a wrong one: 401 with WWW-Authenticate", async () => {
    const missing = await api(server, "POST", "/api/emit", { body: { event: "x" } });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, "unauthorized");
    assert.match(missing.headers.get("www-authenticate"), /^Bearer/);
    const wrong = await api(server, "POST", "/api/emit", { key: `${KEY}x`, body: { event: "x" } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.message, "invalid API key");
  });

  test("every configured key works, as a Bearer token or in X-API-Key", async () => {
    const bearer = await api(server, "GET", "/api/sockets", { key: OTHER_KEY });
    assert.equal(bearer.status, 200);
    const header = await api(server, "GET", "/api/sockets", { headers: { "x-api-key": KEY } });
    assert.equal(header.status, 200);
    assert.ok(Array.isArray(header.body.sockets));
  });

  test("unknown route 404, wrong method 405 with Allow, bad bodies 400", async () => {
    const notFound = await api(server, "GET", "/api/nope", { key: KEY });
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.error, "not_found");
    const wrongMethod = await api(server, "GET", "/api/emit", { key: KEY });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "POST");
    const cases = [
      ["{not json", /not valid JSON/],
      [[1, 2], /JSON object/],
      [{ data: 1 }, /event/],
      [{ event: "x", colour: "red" }, /unknown field colour/],
      [{ event: "disconnect" }, /reserved/],
      [{ event: "x", rooms: 42 }, /rooms/],
      [{ event: "x", namespace: "/nowhere" }, /unknown namespace \/nowhere/],
    ];
    for (const [body, message] of cases) {
      const response = await api(server, "POST", "/api/emit", { key: KEY, body });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.error, "bad_request");
      assert.match(response.body.message, message);
    }
    const noTarget = await api(server, "POST", "/api/disconnect", { key: KEY, body: {} });
    assert.equal(noTarget.status, 400);
    assert.match((await api(server, "GET", "/api/sockets?colour=red", { key: KEY })).body.message, /colour/);
  });

  test("emit to a room reaches its members only, with the data", async () => {
    const room = unique("chat:api");
    const a = await as("api-alice");
    const b = await as("api-bob");
    const c = await as("api-carol");
    await request(a, "join-room", room);
    await request(b, "join-room", room);
    const event = unique("news");
    const response = await api(server, "POST", "/api/emit", {
      key: KEY,
      body: { rooms: [room], event, data: { headline: "hi", n: [1, 2] } },
    });
    assert.deepEqual([response.status, response.body], [200, { ok: true }]);
    assert.deepEqual(await a.next(event), [{ headline: "hi", n: [1, 2] }]);
    assert.deepEqual(await b.next(event), [{ headline: "hi", n: [1, 2] }]);
    await barrier([a, b, c]);
    assert.equal(c.inbox.count(event), 0, "carol is not in the room");
  });

  test("emit to users, with except; without data the event has no arguments", async () => {
    const a = await as("api-dave");
    const a2 = await as("api-dave");
    const b = await as("api-erin");
    const event = unique("ping");
    await api(server, "POST", "/api/emit", { key: KEY, body: { users: ["api-dave", "api-erin"], event } });
    assert.deepEqual(await a.next(event), []);
    assert.deepEqual(await a2.next(event), []);
    assert.deepEqual(await b.next(event), []);

    const only = unique("only");
    await api(server, "POST", "/api/emit", {
      key: KEY,
      body: { rooms: "org:acme", except: ["user:api-erin"], event: only, data: "x" },
    });
    assert.deepEqual(await a.next(only), ["x"]);
    await barrier([a, a2, b]);
    assert.equal(b.inbox.count(only), 0, "erin was excepted");
  });

  test("emit to another namespace", async () => {
    const token = signJwt(claims({ sub: "ns-user" }), { alg: "HS256", key: SECRET });
    const chat = await connect(server.url, { nsp: "/chat", token });
    const root = await as("ns-user");
    const event = unique("chat-only");
    await api(server, "POST", "/api/emit", { key: KEY, body: { namespace: "/chat", event, data: 1 } });
    assert.deepEqual(await chat.next(event), [1]);
    await barrier([root]);
    assert.equal(root.inbox.count(event), 0, "the main namespace did not get it");
  });

  test("GET /api/sockets lists the sockets of a room or user, with their data", async () => {
    const room = unique("chat:list");
    const a = await as("list-alice");
    const b = await as("list-bob");
    await as("list-carol");
    await request(a, "join-room", room);
    await request(b, "join-room", room);
    const { status, body } = await api(server, "GET", `/api/sockets?room=${encodeURIComponent(room)}`, { key: KEY });
    assert.equal(status, 200);
    assert.deepEqual(body.sockets.map((s) => s.id).sort(), [a.id, b.id].sort());
    assert.deepEqual(body.sockets.map((s) => s.data.user.sub).sort(), ["list-alice", "list-bob"]);
    const byUser = await api(server, "GET", "/api/sockets?user=list-bob", { key: KEY });
    assert.deepEqual(byUser.body.sockets.map((s) => s.id), [b.id]);
  });

  test("POST /api/disconnect disconnects a user's sockets, others stay", async () => {
    const a = await as("kick-me");
    const b = await as("stay");
    const gone = once(a, "disconnect");
    const response = await api(server, "POST", "/api/disconnect", { key: KEY, body: { user: "kick-me" } });
    assert.deepEqual([response.status, response.body], [200, { ok: true }]);
    assert.equal((await gone)[0], "io server disconnect");
    assert.ok(b.connected);
    const roomGone = once(b, "disconnect");
    await api(server, "POST", "/api/disconnect", { key: KEY, body: { room: "user:stay", close: true } });
    // close: true ends the whole connection, after a DISCONNECT packet per namespace, as the reference does
    assert.equal((await roomGone)[0], "io server disconnect");
  });
});
