// Engine.IO 3 in a browser: socket.io-client 2.5.0's bundle in Debian's Chromium (XHR2) against a server with
// allowEIO3. A browser client takes binary polling payloads (no b64), which Node's client 2 never does: binary goes
// as application/octet-stream both ways.
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
