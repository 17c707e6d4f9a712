// Helpers for the packaged server's end-to-end tests (server-*.test.mjs): start the real entry point
// io.switchboard.server.Main with a YAML file, mint JWTs with node:crypto, connect socket.io-client
// sockets, and call the HTTP API. Every wait is bounded by a timeout; nothing sleeps.

import { after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { startJava } from "./support/server.mjs";
import { Inbox, once, WAIT_MS } from "./support/clients.mjs";

export { WAIT_MS };
export const MAIN_CLASS = "io.switchboard.server.Main";

// Cleaned up after the test file, in this order: clients, servers, temporary directories. (Registered
// here, at the top level: an after() called inside a before() hook would run when that hook ends.)
const sockets = new Set();
const servers = new Set();
const directories = new Set();
after(async () => {
  for (const socket of sockets) {
    socket.disconnect();
    socket.io.engine?.close();
  }
  await Promise.all([...servers].map((server) => server.stop()));
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

/** Variables of the outer environment that would change the configuration under test. */
const NEUTRAL_ENV = { JWT_SECRET: "", SWITCHBOARD_CONFIG: "", SWITCHBOARD_API_KEYS: "", SWITCHBOARD_LOG_LEVEL: "INFO" };

/**
 * Starts `Main serve --config <file> --port 0 --host 127.0.0.1` with this YAML (null: no --config, the
 * embedded defaults); resolves once it printed `listening on HOST:PORT`. The server and its temporary
 * directory go away after the test file.
 */
export async function startSwitchboard(yaml, { env = {}, args = [], timeoutMs } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-server-e2e-"));
  directories.add(dir);
  const file = join(dir, "switchboard.yml");
  const configArgs = [];
  if (yaml !== null) {
    writeFileSync(file, yaml);
    configArgs.push("--config", file);
  }
  const child = await startJava(
    MAIN_CLASS,
    ["serve", ...configArgs, "--port", "0", "--host", "127.0.0.1", ...args],
    { env: { ...NEUTRAL_ENV, ...env }, ...(timeoutMs ? { timeoutMs } : {}) },
  );
  const server = {
    process: child,
    port: child.port,
    url: `http://127.0.0.1:${child.port}`,
    output: child.output,
    stop: () => child.stop(),
  };
  servers.add(server);
  return server;
}

/** A temporary file that is removed after the test file. */
export function tempFile(name, content) {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-server-e2e-"));
  directories.add(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

// ---------------------------------------------------------------- JWTs

const b64url = (value) => Buffer.from(value).toString("base64url");

/**
 * A compact JWS of `payload`: HS* with a secret (string or Buffer), RS*, PS*, ES* and EdDSA with a
 * private KeyObject, or "none" (unsigned).
 */
export function signJwt(payload, { alg = "HS256", key, kid, header = {} } = {}) {
  const head = { alg, typ: "JWT", ...(kid ? { kid } : {}), ...header };
  const data = Buffer.from(`${b64url(JSON.stringify(head))}.${b64url(JSON.stringify(payload))}`);
  const bits = alg.slice(2);
  let signature;
  if (alg === "none") signature = "";
  else if (alg.startsWith("HS")) signature = crypto.createHmac(`sha${bits}`, key).update(data).digest("base64url");
  else if (alg.startsWith("RS")) signature = crypto.sign(`sha${bits}`, data, key).toString("base64url");
  else if (alg.startsWith("PS")) {
    signature = crypto
      .sign(`sha${bits}`, data, {
        key,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
      })
      .toString("base64url");
  } else if (alg.startsWith("ES")) {
    signature = crypto.sign(`sha${bits}`, data, { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  } else if (alg === "EdDSA") signature = crypto.sign(null, data, key).toString("base64url");
  else throw new Error(`unknown alg ${alg}`);
  return `${data.toString()}.${signature}`;
}

/** Claims valid for an hour from now, with `sub` and whatever else is given. */
export function claims(extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { sub: "alice", iat: now, exp: now + 3600, ...extra };
}

// ---------------------------------------------------------------- clients

/**
 * A socket.io-client socket (not awaited) with an Inbox of every event it receives (`socket.next(event)`).
 * `token` goes in the CONNECT payload (`auth: {token}`); websocket only unless `transports` says otherwise.
 */
export function client(url, { token, nsp = "/", transports = ["websocket"], auth, ...options } = {}) {
  const socket = io(`${url}${nsp}`, {
    forceNew: true,
    reconnection: false,
    transports,
    timeout: WAIT_MS,
    ...(token !== undefined || auth ? { auth: { ...(auth ?? {}), ...(token !== undefined ? { token } : {}) } } : {}),
    ...options,
  });
  socket.inbox = new Inbox(socket);
  socket.next = (event, timeout) => socket.inbox.next(event, timeout);
  sockets.add(socket);
  return socket;
}

/** A connected socket; fails on connect_error. */
export async function connect(url, options) {
  const socket = client(url, options);
  await once(socket, "connect", { failOn: ["connect_error"] });
  return socket;
}

/** The connect_error of a socket that must be refused: {message, data}. */
export async function refusal(url, options) {
  const socket = client(url, options);
  const [error] = await once(socket, "connect_error", { failOn: ["connect"] });
  socket.disconnect();
  return { message: error.message, data: error.data };
}

/** Asserts a refusal with the message and data.code. */
export async function assertRefused(url, options, message, code) {
  const error = await refusal(url, options);
  assert.equal(error.message, message);
  assert.deepEqual(error.data, { code });
}

/** Emits with an acknowledgement and returns its first argument. */
export async function request(socket, event, ...args) {
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args);
}

// ---------------------------------------------------------------- HTTP API

/** Calls the HTTP API; the body is JSON-encoded unless it is a string. Resolves {status, headers, body}. */
export async function api(server, method, path, { key, body, headers = {} } = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A name unique to this run. */
let counter = 0;
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** YAML text of a value (JSON is YAML). */
export const yaml = (value) => JSON.stringify(value);
