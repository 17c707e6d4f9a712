// The demo page as a new user meets it, in Debian's Chromium: on a node with the development secret (signing in
// with a name), and through NGINX in front of a node with a real key (pasting a token). Screenshots are kept in
// target/e2e-artifacts. Every wait has a timeout; nothing sleeps to synchronise.
//
// The heartbeat is the default one (25 s + 20 s): whatever the page shows within seconds of a network cut, it shows
// because the browser told it, not because the heartbeat ran out.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, seesMessage, send, signedIn, WAIT } from "./support/browser.mjs";
import { freePort, startNginx } from "./support/nginx.mjs";
import { claims, signJwt, startSwitchboard } from "./server-support.mjs";

const SECRET = "e2e-demo-page-secret-long-enough-for-hmac-sha-256";
const NO_LIMITS = ["rateLimit:", "  enabled: false"].join("\n");

let browser;
let devNode;
let keyedNode;
let nginx;

before(async () => {
  [devNode, keyedNode] = await Promise.all([
    startSwitchboard(NO_LIMITS),
    startSwitchboard(NO_LIMITS, { env: { JWT_SECRET: SECRET } }),
  ]);
  // the repository's NGINX configuration, its three upstream servers all pointing at the keyed node
  nginx = await startNginx([keyedNode.port, keyedNode.port, keyedNode.port], await freePort());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
});

const tokenFor = (sub) => signJwt(claims({ sub, org: "demo" }), { alg: "HS256", key: SECRET });

/**
 * Where the page is opened: straight on the development node (signing in with a name), or through NGINX in front
 * of the keyed node (pasting a token).
 */
const ROUTES = {
  direct: { signIn: (user, options = {}) => signedIn(browser, devNode.url, user, options) },
  "through NGINX": {
    signIn: (user, options = {}) => signedIn(browser, nginx.url, null, { ...options, token: tokenFor(user) }),
  },
};

const people = (page) => page.$$eval("#people li", (items) =>
  Object.fromEntries(items.map((li) => [li.dataset.user, li.dataset.online === "true"])));

describe("the demo page", { timeout: 180_000 }, () => {
  test("the listening line names the page's address", () => {
    assert.match(devNode.output(), new RegExp(`demo page http://127\\.0\\.0\\.1:${devNode.port}/`));
  });

  for (const [route, { signIn }] of Object.entries(ROUTES)) {
    const slug = route.replace(/\W+/g, "-");
    test(`${route}: it signs in into chat:lobby by itself; a later user sees who was there; each room keeps its own messages, with their time`, async () => {
      const alice = await signIn("alice-demo");
      await alice.page.waitForSelector('#rooms li[data-room="chat:lobby"].current');
      const bob = await signIn("bob-demo");
      await bob.page.waitForSelector('#rooms li[data-room="chat:lobby"].current');
      // bob joined after alice: nobody announced alice to him, the page asked who is in the room
      await bob.page.waitForSelector('#people li[data-user="alice-demo"][data-online="true"]');
      await alice.page.waitForSelector('#messages .notice .text:text-matches("^bob-demo joined")');
      assert.equal((await people(bob.page))["alice-demo"], true);

      // alice also joins chat:random and writes there; bob, only in the lobby, writes to the lobby
      await alice.page.fill("#room", "chat:random");
      await alice.page.click("#join-form button");
      await alice.page.waitForSelector('#rooms li[data-room="chat:random"].current');
      await send(alice.page, "only in random");
      await send(bob.page, "hello lobby");
      // in alice's chat:random view: her own message, not bob's lobby message
      await alice.page.waitForFunction(() => window.demo.rooms.get("chat:lobby").some((m) => m.message === "hello lobby"),
        null, { timeout: WAIT });
      const randomView = await alice.page.$$eval("#messages .msg .text", (els) => els.map((e) => e.textContent));
      assert.deepEqual(randomView, ["only in random"]);
      // back in the lobby: bob's message, and never alice's chat:random one
      await alice.page.click('#rooms li[data-room="chat:lobby"] span');
      await seesMessage(alice.page, "hello lobby");
      const lobbyView = await alice.page.$$eval("#messages .msg .text", (els) => els.map((e) => e.textContent));
      assert.ok(!lobbyView.includes("only in random"), `chat:lobby shows ${lobbyView}`);
      // bob never saw the chat:random message at all
      assert.equal(await bob.page.$$eval("#messages .msg .text", (els) =>
        els.filter((e) => e.textContent === "only in random").length), 0);
      // every message has its time
      const times = await alice.page.$$eval("#messages .msg .time", (els) => els.map((e) => e.textContent));
      assert.ok(times.length > 0);
      for (const time of times) assert.match(time, /\d{1,2}[:.]\d{2}/);
      await screenshot(alice.page, `demo-rooms-${slug}.png`);
      await alice.context.close();
      await bob.context.close();
    });

    test(`${route}: a network cut: reconnecting at once with its attempt count; a message written offline is queued and sent when back`, async () => {
      const carol = await signIn("carol-demo");
      const dave = await signIn("dave-demo");
      await carol.page.waitForSelector('#transport[data-transport="websocket"]');
      await dave.context.setOffline(true);
      // the browser knows at once; the heartbeat alone would say "connected" for up to 45 s
      await dave.page.waitForSelector('#state[data-state="reconnecting"]', { timeout: 10_000 });
      await dave.page.waitForSelector('#state:not([data-attempt="0"])', { timeout: WAIT });
      assert.match(await dave.page.textContent("#state"), /reconnecting \(attempt \d+\)/);

      await dave.page.fill("#text", "written offline");
      await dave.page.click("#send-form button");
      await dave.page.waitForSelector('#messages .msg.mine.pending .text:text-is("written offline")');
      await screenshot(dave.page, `demo-offline-${slug}.png`);
      assert.equal(await dave.page.textContent("#chat-error"), "", "no error for a queued message");

      await dave.context.setOffline(false);
      await dave.page.waitForSelector('#state[data-state="connected"]', { timeout: 30_000 });
      await seesMessage(carol.page, "written offline");
      await dave.page.waitForSelector('#messages .msg.mine:not(.pending) .text:text-is("written offline")');
      assert.equal(await dave.page.$$eval("#messages .msg.pending", (els) => els.length), 0);
      await carol.context.close();
      await dave.context.close();
    });

  }

  test("through NGINX on a node with a real key: the page is served, asks for a token, and works with one", async () => {
    const home = await fetch(`${nginx.url}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /Switchboard demo/);
    assert.equal((await fetch(`${nginx.url}/dev/token?sub=x`)).status, 404, "a real key mints no development tokens");

    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(`${nginx.url}/`);
    await page.waitForSelector("#token-box[open]");
    assert.match(await page.textContent("#signin-error"), /paste a token/);
    await screenshot(page, "demo-token-box.png");
    await context.close();

    const erin = await signedIn(browser, nginx.url, null, { token: tokenFor("erin-demo") });
    await erin.page.waitForSelector('#rooms li[data-room="chat:lobby"].current');
    await send(erin.page, "through the front door");
    await screenshot(erin.page, "demo-nginx.png");
    await erin.context.close();
  });
});
