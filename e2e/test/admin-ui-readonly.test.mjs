// The official Admin UI (@socket.io/admin-ui 0.5.1, served by Switchboard at /admin-ui/) in headless Chromium against
// one packaged server with adminUi.readonly: the UI, told of no command feature, offers no disconnect or leave button;
// its join form (0.5.1 shows it whatever the features say) and the commands sent with the page's session change
// nothing on a real socket.io-client socket. Screenshot: target/e2e-artifacts/admin-ui-readonly-socket.png.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { launchBrowser, screenshot, WAIT } from "./support/browser.mjs";
import { Inbox, once, withTimeout } from "./support/clients.mjs";
import { api, claims, client, signJwt, startSwitchboard, yaml } from "./server-support.mjs";

const SECRET = "e2e-admin-ui-readonly-secret-long-enough-for-hmac-sha-256-0123";
const KEY = "e2e-admin-ui-readonly-api-key-0123456789";
const NAMESPACE = "/admin-ui";
const USERNAME = "admin";
const PASSWORD = "e2e-admin-password";
// bcrypt of PASSWORD at the lowest cost (bcryptjs.hashSync(PASSWORD, 4)); the server takes any cost
const PASSWORD_HASH = "$2a$04$M5XhOpXLBMKvx/17m4om9e6r3ysaeSlCDOo28p9.fdpr.UzpJIDFS";

describe("the Admin UI on a read-only node", () => {
  let node;
  let browser;
  let page;
  let alice;
  let manager;
  const token = (sub) => signJwt(claims({ sub }), { alg: "HS256", key: SECRET });
  // what the page sends on its admin connection, in WebSocket frames or polling bodies
  const sent = [];
  let onSent = () => {};
  const record = (payload) => {
    if (typeof payload !== "string") return;
    sent.push(payload);
    onSent();
  };
  const pageSent = (fragment) => withTimeout(new Promise((resolve) => {
    onSent = () => sent.some((payload) => payload.includes(fragment)) && resolve();
    onSent();
  }), WAIT, `the page sending ${fragment}`);

  before(async () => {
    [node, browser] = await Promise.all([
      startSwitchboard(yaml({
        auth: { secret: SECRET },
        api: { keys: [KEY] },
        adminUi: { enabled: true, username: USERNAME, passwordHash: PASSWORD_HASH, readonly: true, serverId: "sb-ro" },
      }), { timeoutMs: 60_000 }),
      launchBrowser(),
    ]);
    // connected before the UI logs in: the UI opens on "/" only if it has sockets there when it lists them
    alice = client(node.url, { token: token("alice"), timeout: WAIT });
    await once(alice, "connect", { timeout: WAIT, failOn: ["connect_error"] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // the page's web fonts and icon font come from CDNs this closed network cannot reach: refused at once
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => record(payload)));
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().includes("/socket.io/")) record(request.postData());
    });
  });
  after(async () => {
    manager?.engine?.close();
    await browser?.close();
  });

  test("the UI offers no disconnect or leave, and no command moves a socket", async () => {
    await page.goto(`${node.url}/admin-ui/`);
    await page.getByLabel("Server URL").fill(node.url);
    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.waitForFunction(() => localStorage.getItem("session_id"));

    // alice's row comes with all_sockets, which the server sends after config: by then the features are known,
    // and the row is drawn with its disconnect button when DISCONNECT is among them
    await page.goto(`${node.url}/admin-ui/#/sockets/`);
    const row = page.getByRole("row").filter({ hasText: alice.id });
    await row.waitFor();
    assert.equal(await row.getByRole("button").count(), 0, "no disconnect button on alice's row");

    // alice's page: no disconnect (client or socket) and no leave on her own room; the join form is still there
    await row.click();
    const rooms = page.locator(".v-card").filter({ has: page.getByLabel("Join a room") });
    await rooms.getByRole("row").filter({ hasText: alice.id }).waitFor();
    // the client's and the socket's status, in the details card (the app bar has the UI's own)
    const statuses = page.locator("tr").filter({ has: page.locator("td.key-column", { hasText: "Status" }) })
      .locator(".v-chip");
    await statuses.nth(1).waitFor();
    assert.equal(await page.locator(".mdi-logout").count(), 0, "no disconnect button");
    assert.equal(await rooms.locator(".mdi-tag-off-outline").count(), 0, "no leave button");
    assert.equal(await rooms.locator("button[type=submit] .mdi-tag-plus-outline").count(), 1, "the join button");

    // the join, from the UI: the page sends it on its admin session
    const joinSent = pageSent(`["join","/","vip","${alice.id}"]`);
    await page.getByLabel("Join a room").fill("vip");
    await rooms.locator("button[type=submit]").click();
    await joinSent;

    // every command, with the page's session; then, on the same connection (one manager), an event of a "/" socket:
    // the server handles one connection's packets in order, so when the UI hears of that event the commands were
    // handled, and whatever they would have sent alice went to her loop before the API's emits below
    const sessionId = await page.evaluate(() => localStorage.getItem("session_id"));
    manager = new Manager(node.url, { transports: ["websocket"], reconnection: false, timeout: WAIT });
    const ui = manager.socket(NAMESPACE, { auth: { sessionId } });
    const uiInbox = new Inbox(ui);
    const probe = manager.socket("/", { auth: { token: token("probe") } });
    await Promise.all([ui, probe].map((socket) => once(socket, "connect", { timeout: WAIT, failOn: ["connect_error"] })));
    const [config] = await uiInbox.next("config", WAIT);
    assert.deepEqual(config.supportedFeatures, ["AGGREGATED_EVENTS", "ALL_EVENTS"]);
    ui.emit("join", "/", "vip", alice.id);
    ui.emit("emit", "/", alice.id, "announcement", "to alice");
    ui.emit("emit", "/", null, "announcement", "to everyone");
    ui.emit("leave", "/", alice.id, alice.id);
    ui.emit("_disconnect", "/", true, alice.id);
    probe.emit("still-here");
    await uiInbox.next("event_received", WAIT, ([, id, args]) => id === probe.id && args[0] === "still-here");
    // the page's join went on a connection of its own, before all this: two more reports (2 to 4 s) on top
    await once(ui, "server_stats", { timeout: WAIT });
    await once(ui, "server_stats", { timeout: WAIT });

    // alice: still connected, in no room "vip", sent nothing (a barrier to her own user room comes after the room's)
    const barrier = alice.next("barrier", WAIT);
    for (const body of [{ rooms: ["vip"], event: "to-vip" }, { users: ["alice"], event: "barrier" }]) {
      assert.equal((await api(node, "POST", "/api/emit", { key: KEY, body })).status, 200);
    }
    await barrier;
    assert.ok(alice.connected, "alice is still connected");
    for (const event of ["announcement", "to-vip"]) assert.equal(alice.inbox.count(event), 0, `alice got no ${event}`);
    const { body } = await api(node, "GET", "/api/sockets?user=alice", { key: KEY });
    assert.deepEqual(body.sockets.map((socket) => socket.id), [alice.id]);
    assert.ok(!body.sockets[0].rooms.includes("vip"), `alice's rooms: ${body.sockets[0].rooms}`);
    assert.ok(body.sockets[0].rooms.includes(alice.id), "her own room is left as it was");
    for (const event of ["room_joined", "room_left", "socket_disconnected"]) {
      assert.deepEqual(uiInbox.all(event).filter((args) => args.includes(alice.id)), [], `no ${event} of alice`);
    }

    // and the UI shows her as she was: connected, without vip
    assert.equal(await rooms.getByRole("cell", { name: "vip", exact: true }).count(), 0, "no vip on alice's page");
    assert.deepEqual((await statuses.allTextContents()).map((text) => text.trim()), ["connected", "connected"]);
    await screenshot(page, "admin-ui-readonly-socket.png");
    probe.disconnect();
    ui.disconnect();
  });
});
