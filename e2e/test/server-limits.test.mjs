// The limits on what one client may send, with the real socket.io-client against the packaged server:
// namespaces per connection, handshake auth size, event name length, HTTP header count, and the websocket
// Origin check. Each refusal is the protocol's own answer, and the server goes on serving.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { Manager } from "socket.io-client";
import { claims, client, connect, refusal, request, signJwt, startSwitchboard, yaml, WAIT_MS } from "./server-support.mjs";
import { once } from "./support/clients.mjs";

const SECRET = "e2e-limits-secret-long-enough-for-hmac-sha-256-0123456789";
const ALLOWED_ORIGIN = "https://app.example.com";
const token = () => signJwt(claims({ sub: "alice" }), { alg: "HS256", key: SECRET });

let server;
const managers = [];
after(() => managers.forEach((manager) => manager.engine?.close()));

/** A raw HTTP/1.1 exchange: writes the request, reads until the server closes. */
function rawHttp(port, request) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    const chunks = [];
    socket.setTimeout(WAIT_MS, () => reject(new Error("no close within the timeout")));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    socket.on("error", reject);
  });
}

describe("limits", () => {
  before(async () => {
    server = await startSwitchboard(
      yaml({
        auth: { secret: SECRET },
        cors: { origins: [ALLOWED_ORIGIN] },
        limits: { maxNamespacesPerSession: 2, maxAuthBytes: 2048, maxEventNameLength: 32, maxHttpHeaderCount: 30 },
      }),
    );
  });

  test("a connection joins at most maxNamespacesPerSession namespaces and stays usable", async () => {
    const manager = new Manager(server.url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    managers.push(manager);
    // the manager connects each socket it makes (autoConnect)
    const open = (nsp) => manager.socket(nsp, { auth: { token: token() } });
    const main = open("/");
    await once(main, "connect", { failOn: ["connect_error"] });
    const chat = open("/chat");
    await once(chat, "connect", { failOn: ["connect_error"] });
    const third = open("/third");
    const [error] = await once(third, "connect_error", { failOn: ["connect"] });
    assert.equal(error.message, "Too many namespaces");

    assert.deepEqual(await request(main, "join-room", "chat:limits"), { ok: true });
    assert.deepEqual(await request(chat, "join-room", "chat:limits"), { ok: true });
  });

  test("a handshake auth over maxAuthBytes gets connect_error, a normal one gets in", async () => {
    const error = await refusal(server.url, { auth: { token: token(), padding: "x".repeat(3000) } });
    assert.equal(error.message, "Handshake auth too large");
    const socket = await connect(server.url, { token: token() });
    assert.ok(socket.connected);
  });

  test("an event name over maxEventNameLength closes that connection only", async () => {
    const bystander = await connect(server.url, { token: token() });
    const offender = await connect(server.url, { token: token() });
    const closed = once(offender, "disconnect");
    offender.emit("e".repeat(33));
    const [reason] = await closed;
    assert.match(reason, /transport (close|error)/);
    assert.deepEqual(await request(bystander, "join-room", "chat:still-here"), { ok: true });
  });

  test("too many header fields get 431 with a JSON body and a closed connection", async () => {
    let head = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (let i = 0; i < 40; i++) head += `X-Filler-${i}: v\r\n`;
    const response = await rawHttp(server.port, `${head}\r\n`);
    assert.match(response, /^HTTP\/1\.1 431 /);
    assert.match(response, /content-type: application\/json/i);
    assert.ok(response.endsWith('{"message":"Request Header Fields Too Large"}'), response);
    const socket = await connect(server.url, { token: token() });
    assert.ok(socket.connected);
  });

  test("a websocket from a page of another origin is refused, from an allowed one it connects", async () => {
    const foreign = client(server.url, { token: token(), extraHeaders: { Origin: "https://evil.example.net" } });
    const [error] = await once(foreign, "connect_error", { failOn: ["connect"] });
    assert.equal(error.message, "websocket error");
    const allowed = client(server.url, { token: token(), extraHeaders: { Origin: ALLOWED_ORIGIN } });
    await once(allowed, "connect", { failOn: ["connect_error"] });
  });
});
