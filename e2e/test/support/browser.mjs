// Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) driven with playwright-core, which never downloads a browser,
// and the demo page's moves as a user makes them. Every wait has a timeout; nothing sleeps to synchronise.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Screenshots are kept here, as the tests' artifacts. */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "target", "e2e-artifacts");
export const WAIT = 15_000;

/** Headless Chromium with the flags this machine's closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/**
 * A new context's page on the demo at `url`, signed in as `user` (a development token) or with a pasted `token`,
 * with these transports, connected; in `room` too when given (the page joins chat:lobby by itself).
 */
export async function signedIn(browser, url, user, { transports = "polling,websocket", room, context, token } = {}) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(`${url}/`);
  if (token) {
    await page.$eval("#token-box", (box) => { box.open = true; }); // the page opens it too where dev tokens are off
    await page.fill("#token", token);
  } else {
    await page.fill("#user", user);
  }
  await page.selectOption("#transports", transports);
  await page.click("#signin-button");
  await page.waitForSelector('#state[data-state="connected"]');
  await page.waitForSelector('#rooms li[data-room="chat:lobby"]');
  if (room) {
    await page.fill("#room", room);
    await page.click("#join-form button");
    await page.waitForSelector(`#rooms li[data-room="${room}"].current`);
  }
  return { context, page };
}

/** Sends `text` to the page's current room and waits until the server confirmed it (no longer queued). */
export async function send(page, text) {
  await page.fill("#text", text);
  await page.click("#send-form button");
  await page.waitForSelector(`#messages .msg.mine:not(.pending) .text:text-is("${text}")`);
}

export const seesMessage = (page, text) => page.waitForSelector(`#messages .msg .text:text-is("${text}")`);

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 900, height: 700 });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}
