// Engine.IO 3 in a browser: socket.io-client 2.5.0's bundle in Debian's Chromium (XHR2) against a server with
// allowEIO3. A browser client takes binary polling payloads (no b64), which Node's client 2 never does: binary goes
// as application/octet-stream both ways. With forceJSONP the same client polls over JSONP (script tags and a hidden
// form), binary in base64, and upgrades to websocket from there.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { launchBrowser, WAIT } from "./support/browser.mjs";
import { useFixture } from "./support/clients.mjs";

const fixture = useFixture(["--allow-eio3"]);
const require = createRequire(import.meta.url);
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The page, served at the server's own origin by the browser's router (so no CORS is involved). */
function page(transports) {
  return `<!doctype html><title>v2</title><script src="/v2/socket.io.js"></script>
<script>
  const socket = io({ transports: ${JSON.stringify(transports)}, reconnection: false });
  const bytes = new Uint8Array(256).map((_, i) => i);
  const go = () => socket.emit("echo", { bytes: bytes.buffer, text: "h\\u00e9llo \\u{1F600}" });
  // with websocket offered, the echo goes once the upgrade is done
  socket.on("connect", () => ${transports.length} === 1 || socket.io.engine.transport.name === "websocket" ? go()
    : socket.io.engine.once("upgrade", go));
  socket.on("echo", (value) => {
    const back = new Uint8Array(value.bytes);
    const same = back.length === 256 && back.every((b, i) => b === i);
    document.body.dataset.result = (same ? "same" : "different") + " " + value.text + " "
      + socket.io.engine.transport.name;
  });
  socket.on("error", (e) => { document.body.dataset.result = "error " + JSON.stringify(e); });
</script>`;
}

// polling only: the upgrade is shown with Node's client 2 (eio3.test.mjs); here a websocket from a page the router
// serves is blocked by Chromium's local network access checks, and binary payloads are polling's alone anyway
for (const transports of [["polling"]]) {
  test(`binary both ways from Chromium over ${transports.join(" then ")}`, { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      tab.setDefaultTimeout(WAIT);
      const bundle = await readFile(require.resolve("socket.io-client-v2/dist/socket.io.js"));
      await tab.route(`${fixture.url}/v2/**`, (route) => {
        const url = new URL(route.request().url());
        return url.pathname.endsWith(".js")
          ? route.fulfill({ contentType: "application/javascript", body: bundle })
          : route.fulfill({ contentType: "text/html; charset=utf-8", body: page(transports) });
      });
      const binaryPosts = [];
      const binaryPolls = [];
      tab.on("request", (request) => {
        if (request.method() === "POST" && request.headers()["content-type"] === "application/octet-stream") {
          binaryPosts.push(request.url());
        }
      });
      tab.on("response", (response) => {
        if (response.headers()["content-type"] === "application/octet-stream") binaryPolls.push(response.url());
      });
      await tab.goto(`${fixture.url}/v2/index.html`);
      await tab.waitForSelector("body[data-result]", { state: "attached" });
      const result = await tab.$eval("body", (body) => body.dataset.result);
      const expected = transports.length === 1 ? "polling" : "websocket";
      assert.equal(result, `same h\u00e9llo \u{1F600} ${expected}`);
      if (transports.length === 1) {
        assert.ok(binaryPosts.length >= 1, "the client sent a binary payload");
        assert.ok(binaryPolls.length >= 1, "the server answered a poll with a binary payload");
        assert.ok(binaryPolls.every((url) => !url.includes("b64=")), "no base64 asked for");
      }
    } finally {
      await context.close();
    }
  });
}

/**
 * A page whose v2 client polls over JSONP (forceJSONP: script tags for the polls, a hidden form for the posts): an
 * event and an ack each way, binary (base64, as JSONP has it) and text that JSONP has to escape, on the transport
 * the client ends on (websocket when offered: the checks then run once the upgrade is done).
 */
function jsonpPage(transports) {
  return `<!doctype html><title>v2 jsonp</title><script src="/v2/socket.io.js"></script>
<script>
  const socket = io({ forceJSONP: true, transports: ${JSON.stringify(transports)}, reconnection: false });
  const bytes = new Uint8Array(256).map((_, i) => i);
  const text = "h\\u00e9llo \\u{1F600} two\\nlines back\\\\slash \\\\n \\u2028\\u2029 \\"quoted\\" <\\/script>";
  const report = (result) => { document.body.dataset.result = JSON.stringify(result); };
  const sameBytes = (buffer) => { const b = new Uint8Array(buffer); return b.length === 256 && b.every((x, i) => x === i); };
  socket.on("question", (value, ack) => ack({ echoed: value }));
  const go = async () => {
    const transport = () => socket.io.engine.transport.name;
    const echo = await new Promise((resolve) => {
      socket.once("echo", (value) => resolve({ bytes: sameBytes(value.bytes), text: value.text === text }));
      socket.emit("echo", { bytes: bytes.buffer, text });
    });
    const ack = await new Promise((resolve) => socket.emit("echo-ack", text, { n: 1 }, (...args) => resolve(args)));
    const answer = await new Promise((resolve) => {
      socket.once("answer", resolve);
      socket.emit("ask-client", { timeout: 5000, tag: "jsonp", args: [text] });
    });
    report({ echo, ack: ack[0] === text && ack[1].n === 1,
      answer: answer.ok && answer.args[0].echoed === text, transport: transport() });
  };
  socket.on("connect", () => ${transports.length} === 1 || socket.io.engine.transport.name === "websocket" ? go()
    : socket.io.engine.once("upgrade", go));
  socket.on("error", (e) => report({ error: String(e) }));
</script>`;
}

// with websocket offered, the context may reach the loopback (Chromium's local network access permission): a
// routed page counts as public, and a websocket is not a same-origin request as the polls are
for (const transports of [["polling"], ["polling", "websocket"]]) {
  test(`JSONP polling from Chromium: events and acks both ways over ${transports.join(" then ")}`,
    { timeout: 60_000 }, async () => {
      const context = await browser.newContext({ permissions: ["local-network-access"] });
      try {
        const tab = await context.newPage();
        tab.setDefaultTimeout(WAIT);
        const bundle = await readFile(require.resolve("socket.io-client-v2/dist/socket.io.js"));
        await tab.route(`${fixture.url}/v2/**`, (route) => {
          const url = new URL(route.request().url());
          return url.pathname.endsWith(".js")
            ? route.fulfill({ contentType: "application/javascript", body: bundle })
            : route.fulfill({ contentType: "text/html; charset=utf-8", body: jsonpPage(transports) });
        });
        const scripts = [];
        const forms = [];
        const xhrs = [];
        tab.on("response", (response) => {
          const url = response.url();
          if (!url.includes("/socket.io/")) return;
          if (response.request().resourceType() === "script" && url.includes("j=0")) {
            scripts.push(response.headers()["content-type"]);
          }
        });
        tab.on("request", (request) => {
          if (!request.url().includes("/socket.io/")) return;
          if (request.resourceType() === "xhr" || request.resourceType() === "fetch") xhrs.push(request.url());
          if (request.method() === "POST") forms.push(request.headers()["content-type"]);
        });
        // not until "load": a long poll's script tag, inserted while the page loads, holds the load event back
        await tab.goto(`${fixture.url}/v2/index.html`, { waitUntil: "domcontentloaded" });
        await tab.waitForSelector("body[data-result]", { state: "attached" });
        const result = JSON.parse(await tab.$eval("body", (body) => body.dataset.result));
        const expected = transports.length === 1 ? "polling" : "websocket";
        assert.deepEqual(result, { echo: { bytes: true, text: true }, ack: true, answer: true, transport: expected });
        assert.ok(scripts.length >= 1, "polls answered as scripts");
        assert.ok(scripts.every((type) => type === "text/javascript; charset=UTF-8"), scripts.join());
        if (transports.length === 1) assert.ok(forms.length >= 1, "posts sent by the hidden form");
        assert.ok(forms.every((type) => type === "application/x-www-form-urlencoded"), forms.join());
        assert.deepEqual(xhrs, [], "no XMLHttpRequest polling");
      } finally {
        await context.close();
      }
    });
}
