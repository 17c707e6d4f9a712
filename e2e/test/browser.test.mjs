// The browser side (issue 13): the demo page at / loading the official client bundle that the server serves at
// /socket.io/socket.io.min.js, driven in Debian's Chromium (/usr/bin/chromium) with playwright-core, which
// never downloads a browser. Every wait has a timeout; nothing sleeps to synchronise.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { launchBrowser, screenshot, seesMessage, send, signedIn as signedInAt, WAIT } from "./support/browser.mjs";
import { startSwitchboard, yaml } from "./server-support.mjs";

let browser;
let server;
let allowedOrigin;
let deniedOrigin;
const httpServers = [];

/** A tiny page server on another port: the foreign page connecting to Switchboard with credentials. */
async function foreignSite() {
  const site = http.createServer((req, res) => {
    const sb = new URL(req.url, "http://x").searchParams.get("sb");
    const token = new URL(req.url, "http://x").searchParams.get("token");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>foreign</title><script src="${sb}/socket.io/socket.io.min.js"></script>
<script>
  const socket = io(${JSON.stringify(sb)}, { transports: ["polling"], withCredentials: true, reconnection: false,
    auth: { token: ${JSON.stringify(token)} } });
  socket.on("connect", () => { document.body.dataset.result = "connected " + socket.io.engine.transport.name; });
  socket.on("connect_error", (e) => { document.body.dataset.result = "error " + e.message; });
</script>`);
  });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
  httpServers.push(site);
  return `http://127.0.0.1:${site.address().port}`;
}

before(async () => {
  allowedOrigin = await foreignSite();
  deniedOrigin = await foreignSite();
  // no key configured: the development secret, so /dev/token mints tokens for the page; a quick heartbeat so
  // that a cut network is noticed within seconds on both sides
  server = await startSwitchboard(
    [
      "server:",
      "  pingInterval: 1000",
      "  pingTimeout: 1000",
      "cors:",
      `  origins: ${yaml([allowedOrigin])}`,
      "  credentials: true",
      "rateLimit:",
      "  enabled: false",
    ].join("\n"),
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all(httpServers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const signedIn = (user, options) => signedInAt(browser, server.url, user, options);

describe("the browser side", { timeout: 150_000 }, () => {
  test("the bundle is served with ETag and Cache-Control, 304 when current", async () => {
    for (const name of ["socket.io.js", "socket.io.min.js", "socket.io.js.map", "socket.io.min.js.map"]) {
      const response = await fetch(`${server.url}/socket.io/${name}`);
      assert.equal(response.status, 200, name);
      const etag = response.headers.get("etag");
      assert.ok(etag, name);
      assert.equal(response.headers.get("cache-control"), "public, max-age=0");
      assert.ok((await response.text()).length > 1000);
      const again = await fetch(`${server.url}/socket.io/${name}`, { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304, name);
    }
  });

  test("the demo page loads the bundle from the server; two contexts chat through a room", async () => {
    const bundle = [];
    const alice = await browser.newContext();
    alice.on("response", (r) => { if (r.url().endsWith("/socket.io/socket.io.min.js")) bundle.push(r.status()); });
    const a = await signedIn("alice", { room: "chat:lobby", context: alice });
    assert.deepEqual(bundle, [200]);
    assert.equal(await a.page.evaluate(() => typeof io), "function");
    const b = await signedIn("bob", { room: "chat:lobby" });
    await a.page.waitForSelector('#messages .notice .text:text-is("bob joined")');
    await a.page.waitForSelector('#people li[data-user="bob"][data-online="true"]');
    await send(a.page, "hello bob");
    await seesMessage(b.page, "hello bob");
    await send(b.page, "hi alice");
    await seesMessage(a.page, "hi alice");
    // the transport and the id are on show
    await a.page.waitForSelector('#transport[data-transport="websocket"]');
    const sid = await a.page.textContent("#sid");
    assert.match(sid, /^[\w-]{10,}$/);
    await screenshot(a.page, "demo.png");
    await alice.close();
    await b.context.close();
  });

  test("polling only works", async () => {
    const a = await signedIn("carol", { transports: "polling", room: "chat:poll-room" });
    const b = await signedIn("dave", { transports: "polling", room: "chat:poll-room" });
    assert.equal(await a.page.getAttribute("#transport", "data-transport"), "polling");
    await send(a.page, "over long-polling");
    await seesMessage(b.page, "over long-polling");
    await a.context.close();
    await b.context.close();
  });

  test("a page of an allowed origin connects with credentials; another origin is refused", async () => {
    const { token } = await (await fetch(`${server.url}/dev/token?sub=erin&org=demo`)).json();
    const context = await browser.newContext();
    const page = await context.newPage();
    const query = new URLSearchParams({ sb: server.url, token });
    await page.goto(`${allowedOrigin}/?${query}`);
    await page.waitForSelector("body[data-result]", { state: "attached", timeout: WAIT });
    assert.equal(await page.getAttribute("body", "data-result"), "connected polling");
    await page.goto(`${deniedOrigin}/?${query}`);
    await page.waitForSelector("body[data-result]", { state: "attached", timeout: WAIT });
    assert.match(await page.getAttribute("body", "data-result"), /^error /);
    await context.close();
  });

  test("a cut network: the page recovers its session and the messages it missed", async () => {
    const a = await signedIn("frank", { room: "chat:recover" });
    const b = await signedIn("grace", { room: "chat:recover" });
    await a.page.waitForSelector('#transport[data-transport="websocket"]');
    const sid = await b.page.textContent("#sid");
    await b.context.setOffline(true);
    // both sides notice within the heartbeat (1 s + 1 s)
    await b.page.waitForSelector('#state[data-state="reconnecting"]');
    await a.page.waitForSelector('#messages .notice .text:text-is("grace left")');
    await send(a.page, "while you were away");
    await b.context.setOffline(false);
    await b.page.waitForSelector('#recovered:not(.hidden)');
    await b.page.waitForSelector('#state[data-state="connected"]');
    await seesMessage(b.page, "while you were away");
    assert.equal(await b.page.textContent("#sid"), sid);
    await a.context.close();
    await b.context.close();
  });
});
