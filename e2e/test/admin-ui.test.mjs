// The official Socket.IO Admin UI (@socket.io/admin-ui 0.5.1, its built bundle served by Switchboard at /admin-ui/)
// in headless Chromium against three packaged servers over one Redis (a prefix of their own): the UI logs in to
// one node and shows every node, their sockets, rooms and events; its join and disconnect move real socket.io-client
// sockets on other nodes, and the emit command (the protocol has it; this UI version has no button for it) sent
// with the session the page got. Screenshots go to target/e2e-artifacts/admin-ui-*.png.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, screenshot, WAIT } from "./support/browser.mjs";
import { once } from "./support/clients.mjs";
import { claims, client, signJwt, startSwitchboard, unique, yaml } from "./server-support.mjs";

const SECRET = "e2e-admin-ui-secret-long-enough-for-hmac-sha-256-0123456789";
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const NAMESPACE = "/admin-ui";
const USERNAME = "admin";
const PASSWORD = "e2e-admin-password";
// bcrypt of PASSWORD at the lowest cost (bcryptjs.hashSync(PASSWORD, 4)); the server takes any cost
const PASSWORD_HASH = "$2a$04$M5XhOpXLBMKvx/17m4om9e6r3ysaeSlCDOo28p9.fdpr.UzpJIDFS";

describe("the Admin UI over a three-node cluster", () => {
  let nodes;
  let browser;
  let page;
  let alice;
  let bob;
  let carol;
  // every wait at the browser's WAIT: this machine is shared and often loaded
  const connected = async (socket) => {
    await once(socket, "connect", { timeout: WAIT, failOn: ["connect_error"] });
    return socket;
  };
  const as = (node, sub) =>
    connected(client(node.url, { token: signJwt(claims({ sub }), { alg: "HS256", key: SECRET }), timeout: WAIT }));

  before(async () => {
    const prefix = unique("switchboard-e2e-admin-ui");
    const config = (id) => yaml({
      adapter: { type: "redis", redis: { url: REDIS_URL, keyPrefix: prefix } },
      auth: { secret: SECRET },
      adminUi: { enabled: true, username: USERNAME, passwordHash: PASSWORD_HASH, serverId: id },
    });
    // at once, with time to spare: three JVMs starting together on a loaded two-core machine are slow
    [nodes, browser] = await Promise.all([
      Promise.all(["sb-1", "sb-2", "sb-3"].map((id) => startSwitchboard(config(id), { timeoutMs: 60_000 }))),
      launchBrowser(),
    ]);
    // connected before the UI logs in: the UI opens on "/" only if it has sockets there when it lists them
    alice = await as(nodes[0], "alice");
    bob = await as(nodes[1], "bob");
    carol = await as(nodes[2], "carol");
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // the page's web fonts and icon font come from CDNs this closed network cannot reach: refused at once
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    page = await context.newPage();
    page.setDefaultTimeout(WAIT);
  });
  after(() => browser?.close());

  async function logIn(password) {
    await page.getByLabel("Server URL").fill(nodes[0].url);
    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Connect" }).click();
  }

  test("wrong credentials are refused, the right ones let the UI in", async () => {
    await page.goto(`${nodes[0].url}/admin-ui/`);
    await logIn("not-the-password");
    await page.getByText("Invalid credentials").waitFor();
    await logIn(PASSWORD);
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    // the session id comes right after the CONNECT reply
    await page.waitForFunction(() => localStorage.getItem("session_id"));
    assert.match(await page.evaluate(() => localStorage.getItem("session_id")), /^[0-9a-f]{32}$/);
    assert.equal(await page.evaluate(() => localStorage.getItem("namespace")), NAMESPACE, "the page's default");
  });

  test("the UI shows every node, the sockets, rooms and events, and its commands reach every node", async () => {
    await page.goto(`${nodes[0].url}/admin-ui/#/servers/`);
    for (const id of ["sb-1", "sb-2", "sb-3"]) await page.getByRole("cell", { name: id, exact: true }).waitFor();
    await screenshot(page, "admin-ui-servers.png");

    await page.goto(`${nodes[0].url}/admin-ui/#/sockets/`);
    for (const socket of [alice, bob, carol]) await page.getByText(socket.id).waitFor();
    await screenshot(page, "admin-ui-sockets.png");

    // join, from bob's page (bob is on node 2; the UI on node 1)
    await page.getByText(bob.id).click();
    await page.getByLabel("Join a room").fill("vip");
    await page.locator("form:has(input[aria-label], label:text('Join a room')) button[type=submit]").click();
    await page.getByRole("cell", { name: "vip", exact: true }).waitFor();
    await screenshot(page, "admin-ui-socket.png");

    // emit, with the page's session on node 3: the command goes to every node, bob gets it
    const sessionId = await page.evaluate(() => localStorage.getItem("session_id"));
    const ui = await connected(client(nodes[2].url, { nsp: NAMESPACE, auth: { sessionId }, timeout: WAIT }));
    const notice = once(bob, "notice", { timeout: WAIT });
    ui.emit("emit", "/", "vip", "notice", { text: "to the vip room" });
    assert.deepEqual((await notice)[0], { text: "to the vip room" });

    // events: what alice sends, and what bob was sent, are in the UI's events
    alice.emit("hello-admin", { from: "alice" });
    await page.goto(`${nodes[0].url}/admin-ui/#/events/`);
    await page.getByText("hello-admin").first().waitFor();
    await page.getByText("notice").first().waitFor();
    await screenshot(page, "admin-ui-events.png");

    await page.goto(`${nodes[0].url}/admin-ui/#/rooms/`);
    await page.getByRole("cell", { name: "vip", exact: true }).waitFor();

    // disconnect carol (node 3) from the sockets list
    await page.goto(`${nodes[0].url}/admin-ui/#/sockets/`);
    const carolId = carol.id; // the client forgets it once disconnected
    const gone = once(carol, "disconnect", { timeout: WAIT });
    await page.getByRole("row").filter({ hasText: carolId }).getByRole("button").click();
    assert.equal((await gone)[0], "io server disconnect");
    // the click also opens carol's page (the row's own click), where node 3's word shows
    await page.getByText("disconnected", { exact: true }).first().waitFor();
    await page.goto(`${nodes[0].url}/admin-ui/#/events/`);
    await page.getByText("server namespace disconnect").first().waitFor(); // the reason, as node 3 gave it
    assert.ok(alice.connected && bob.connected);

    await page.goto(`${nodes[0].url}/admin-ui/#/`);
    await page.getByText("Connection and disconnection events").waitFor();
    await screenshot(page, "admin-ui-dashboard.png");
    ui.disconnect();
  });
});
