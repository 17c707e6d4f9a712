// JWT handshake authentication of the packaged server (io.switchboard.server.Main): every outcome a client
// can meet, seen from socket.io-client: connect, or connect_error with a message and data.code.

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import {
  api,
  assertRefused,
  claims,
  connect,
  signJwt,
  startSwitchboard,
  tempFile,
  yaml,
  WAIT_MS,
} from "./server-support.mjs";

const SECRET = "e2e-hmac-secret-that-is-long-enough-for-hs256-and-hs384-0123456789";
const API_KEY = "e2e-api-key-0123456789abcdef";
const ISSUER = "https://issuer.e2e.test/";
const AUDIENCE = "switchboard-e2e";
const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: "spki", format: "pem" });

const valid = (extra = {}) => claims({ iss: ISSUER, aud: AUDIENCE, ...extra });
const hs = (payload, options = {}) => signJwt(payload, { alg: "HS256", key: SECRET, ...options });
const rs = (payload, options = {}) => signJwt(payload, { alg: "RS256", key: rsa.privateKey, ...options });

describe("a server with an HMAC secret and an RSA public key", () => {
  let server;
  before(async () => {
    server = await startSwitchboard(
      yaml({
        auth: {
          secret: SECRET,
          publicKey: tempFile("rsa.pem", rsaPem),
          issuer: ISSUER,
          audience: AUDIENCE,
          clockSkewSeconds: 5,
          queryToken: true,
          exemptNamespaces: ["/public"],
        },
        api: { keys: [API_KEY] },
      }),
    );
  });

  test("prints where it listens, the effective configuration with the secrets masked", () => {
    assert.match(server.output(), /listening on 127\.0\.0\.1:\d+/);
    assert.match(server.output(), /effective configuration/);
    assert.ok(!server.output().includes(SECRET), "the secret is not printed");
    assert.ok(!server.output().includes(API_KEY), "the API key is not printed");
    assert.ok(!server.output().includes("DEVELOPMENT SECRET"), "no development secret warning");
  });

  test("a valid HS256 token in auth.token connects; claims are in socket data; user and org rooms joined", async () => {
    const socket = await connect(server.url, { token: hs(valid({ sub: "hs-user", orgId: "acme", name: "H" })) });
    const { status, body } = await api(server, "GET", "/api/sockets?room=user:hs-user", { key: API_KEY });
    assert.equal(status, 200);
    assert.deepEqual(body.sockets.map((s) => s.id), [socket.id]);
    const [found] = body.sockets;
    assert.equal(found.data.user.sub, "hs-user");
    assert.equal(found.data.user.orgId, "acme");
    assert.equal(found.data.user.name, "H");
    assert.ok(found.rooms.includes("user:hs-user") && found.rooms.includes("org:acme"), `${found.rooms}`);

    const pushed = socket.next("org-news");
    const emitted = await api(server, "POST", "/api/emit", {
      key: API_KEY,
      body: { rooms: ["org:acme"], event: "org-news", data: { hello: "acme" } },
    });
    assert.equal(emitted.status, 200);
    assert.deepEqual((await pushed)[0], { hello: "acme" });
  });

  test("a valid RS256 token connects", async () => {
    const socket = await connect(server.url, { token: rs(valid({ sub: "rs-user" })) });
    assert.ok(socket.connected);
  });

  test("the Authorization: Bearer header of the handshake is used when auth.token is absent", async () => {
    const socket = await connect(server.url, {
      transports: ["polling"],
      extraHeaders: { Authorization: `Bearer ${hs(valid({ sub: "header-user" }))}` },
    });
    assert.ok(socket.connected);
  });

  test("the query parameter is used when enabled", async () => {
    const socket = await connect(server.url, { query: { token: rs(valid({ sub: "query-user" })) } });
    assert.ok(socket.connected);
  });

  test("no token: Authentication required (auth_required)", async () => {
    await assertRefused(server.url, {}, "Authentication required", "auth_required");
  });

  test("a bad signature: Invalid token (invalid_token)", async () => {
    const forged = signJwt(valid(), { alg: "HS256", key: `${SECRET}-but-not-quite` });
    await assertRefused(server.url, { token: forged }, "Invalid token", "invalid_token");
    const otherRsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forgedRs = signJwt(valid(), { alg: "RS256", key: otherRsa.privateKey });
    await assertRefused(server.url, { token: forgedRs }, "Invalid token", "invalid_token");
  });

  test("an altered payload: Invalid token", async () => {
    const [head, , signature] = hs(valid({ sub: "mallory" })).split(".");
    const payload = Buffer.from(JSON.stringify(valid({ sub: "admin" }))).toString("base64url");
    await assertRefused(server.url, { token: `${head}.${payload}.${signature}` }, "Invalid token", "invalid_token");
  });

  test("an expired token: Token expired (token_expired)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = hs(valid({ iat: now - 7200, exp: now - 3600 }));
    await assertRefused(server.url, { token: expired }, "Token expired", "token_expired");
  });

  test("a token not valid yet (nbf): Invalid token", async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(server.url, { token: hs(valid({ nbf: now + 3600 })) }, "Invalid token", "invalid_token");
  });

  test("a wrong audience, a wrong issuer: Invalid token", async () => {
    await assertRefused(server.url, { token: hs(valid({ aud: "someone-else" })) }, "Invalid token", "invalid_token");
    await assertRefused(server.url, { token: rs(valid({ iss: "https://evil.test/" })) }, "Invalid token",
      "invalid_token");
    const { aud, ...withoutAudience } = valid();
    void aud;
    await assertRefused(server.url, { token: hs(withoutAudience) }, "Invalid token", "invalid_token");
  });

  test("alg none: Invalid token", async () => {
    await assertRefused(server.url, { token: signJwt(valid(), { alg: "none" }) }, "Invalid token", "invalid_token");
    const noneWithSignature = `${signJwt(valid(), { alg: "none" })}${hs(valid()).split(".")[2]}`;
    await assertRefused(server.url, { token: noneWithSignature }, "Invalid token", "invalid_token");
  });

  test("a token without the user id claim, or not a JWT at all: Invalid token", async () => {
    const { sub, ...anonymous } = valid();
    void sub;
    await assertRefused(server.url, { token: hs(anonymous) }, "Invalid token", "invalid_token");
    await assertRefused(server.url, { token: "not-a-jwt" }, "Invalid token", "invalid_token");
  });

  test("every namespace needs a token except the exempt ones", async () => {
    await assertRefused(server.url, { nsp: "/chat" }, "Authentication required", "auth_required");
    const chat = await connect(server.url, { nsp: "/chat", token: hs(valid()) });
    assert.ok(chat.connected);
    const open = await connect(server.url, { nsp: "/public" });
    assert.ok(open.connected);
  });
});

describe("a server with only an RSA public key (algorithm confusion)", () => {
  let server;
  before(async () => {
    server = await startSwitchboard(yaml({ auth: { publicKey: rsaPem } }));
  });

  test("an HS256 token signed with the public key as HMAC secret is refused", async () => {
    const confused = signJwt(claims(), { alg: "HS256", key: rsaPem });
    await assertRefused(server.url, { token: confused }, "Invalid token", "invalid_token");
    const confusedDer = signJwt(claims(), {
      alg: "HS256",
      key: rsa.publicKey.export({ type: "spki", format: "der" }),
    });
    await assertRefused(server.url, { token: confusedDer }, "Invalid token", "invalid_token");
  });

  test("RS256 and PS256 tokens with the right key connect", async () => {
    assert.ok((await connect(server.url, { token: rs(claims()) })).connected);
    const ps = signJwt(claims(), { alg: "PS256", key: rsa.privateKey });
    assert.ok((await connect(server.url, { token: ps })).connected);
  });

  test("an ES256 token (a key of another kind) is refused", async () => {
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const token = signJwt(claims(), { alg: "ES256", key: ec.privateKey });
    await assertRefused(server.url, { token }, "Invalid token", "invalid_token");
  });
});

describe("the embedded defaults (no key configured)", () => {
  let server;
  before(async () => {
    server = await startSwitchboard(null);
  });

  test("warn loudly and accept tokens minted with the development secret", { timeout: WAIT_MS * 4 }, async () => {
    assert.match(server.output(), /PUBLIC DEVELOPMENT SECRET/);
    const devSecret = "switchboard-development-secret-PUBLIC-do-not-use-in-production-0123456789";
    const socket = await connect(server.url, { token: signJwt(claims(), { alg: "HS256", key: devSecret }) });
    assert.ok(socket.connected);
    await assertRefused(server.url, {}, "Authentication required", "auth_required");
  });
});
