// JWKS: the packaged server takes public keys from a JSON Web Key Set URL (served here by node:http),
// picks them by kid, and fetches the set again when a token names a kid it does not know: keys rotate
// without a restart.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createServer } from "node:http";
import { assertRefused, claims, connect, signJwt, startSwitchboard, yaml } from "./server-support.mjs";

function jwk(keyPair, kid, alg) {
  return { ...keyPair.publicKey.export({ format: "jwk" }), kid, alg, use: "sig" };
}

const rsa1 = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec2 = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed3 = crypto.generateKeyPairSync("ed25519");
const stranger = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("a server whose keys come from a JWKS URL", () => {
  let jwks;
  let fetches = 0;
  let published = [jwk(rsa1, "k1", "RS256")];
  let server;

  before(async () => {
    jwks = createServer((req, res) => {
      if (req.url !== "/.well-known/jwks.json") {
        res.writeHead(404).end();
        return;
      }
      fetches += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${jwks.address().port}/.well-known/jwks.json`;
    server = await startSwitchboard(
      yaml({ auth: { jwks: { url, minRefreshSeconds: 0, cacheSeconds: 3600 } } }),
    );
  });

  after(() => new Promise((resolve) => jwks.close(resolve)));

  test("a token signed with a key of the set, named by kid, connects", async () => {
    const token = signJwt(claims({ sub: "jwks-user" }), { alg: "RS256", key: rsa1.privateKey, kid: "k1" });
    assert.ok((await connect(server.url, { token })).connected);
  });

  test("rotation: keys published later are fetched on their first kid, without a restart", async () => {
    const before = fetches;
    published = [jwk(rsa1, "k1", "RS256"), jwk(ec2, "k2", "ES256"), jwk(ed3, "k3", "EdDSA")];
    const es = signJwt(claims({ sub: "ec-user" }), { alg: "ES256", key: ec2.privateKey, kid: "k2" });
    assert.ok((await connect(server.url, { token: es })).connected);
    assert.ok(fetches > before, "the set was fetched again");
    const ed = signJwt(claims({ sub: "ed-user" }), { alg: "EdDSA", key: ed3.privateKey, kid: "k3" });
    assert.ok((await connect(server.url, { token: ed })).connected);
  });

  test("a kid the set does not hold, even after fetching it again, is refused", async () => {
    const before = fetches;
    const token = signJwt(claims(), { alg: "RS256", key: stranger.privateKey, kid: "k-unknown" });
    await assertRefused(server.url, { token }, "Invalid token", "invalid_token");
    assert.ok(fetches > before, "an unknown kid makes the server look again");
  });

  test("a known kid with a signature from another key is refused", async () => {
    const token = signJwt(claims(), { alg: "RS256", key: stranger.privateKey, kid: "k1" });
    await assertRefused(server.url, { token }, "Invalid token", "invalid_token");
  });

  test("a token whose alg does not fit the kid's key is refused", async () => {
    const token = signJwt(claims(), { alg: "ES256", key: ec2.privateKey, kid: "k1" });
    await assertRefused(server.url, { token }, "Invalid token", "invalid_token");
  });

  test("HS256 tokens are refused when only a JWKS is configured (no secret)", async () => {
    const jwkAsSecret = JSON.stringify(jwk(rsa1, "k1", "RS256"));
    const token = signJwt(claims(), { alg: "HS256", key: jwkAsSecret, kid: "k1" });
    await assertRefused(server.url, { token }, "Invalid token", "invalid_token");
  });

  test("a new key works at once, and the keys it replaced stop working", async () => {
    // k1 is retired and k4 published: k4's first token makes the server fetch the set again, which drops k1
    const rsa4 = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    published = [jwk(rsa4, "k4", "RS256")];
    const fresh = signJwt(claims(), { alg: "RS256", key: rsa4.privateKey, kid: "k4" });
    assert.ok((await connect(server.url, { token: fresh })).connected);
    const retired = signJwt(claims(), { alg: "RS256", key: rsa1.privateKey, kid: "k1" });
    await assertRefused(server.url, { token: retired }, "Invalid token", "invalid_token");
  });
});
