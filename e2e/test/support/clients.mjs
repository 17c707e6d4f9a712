// Helpers for the end-to-end tests: the Java fixture (io.switchboard.e2e.E2eServer), the three
// transport modes every case runs in, socket.io-client connections, and waits that always time out.
//
//   const fixture = useFixture();                       // one E2eServer for the file (before/after hooks)
//   forEachMode("echoes rich JSON", async (t, mode) => {
//     const client = await t.connect();                  // connected, and upgraded in "upgrade" mode
//     client.emit("echo", value);
//     assert.deepEqual(await client.next("echo"), [value]);
//   });
//
// Nothing here sleeps to synchronise: every wait is on an event or a promise, bounded by a timeout.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";
import { startJava } from "./server.mjs";

export const FIXTURE_CLASS = "io.switchboard.e2e.E2eServer";

/** How long any single wait may take before the test fails. */
export const WAIT_MS = 5_000;

/**
 * The transport modes every case runs in: websocket only, polling only, and the client's default
 * (polling, then upgraded to websocket: the `upgrade` event of the engine must have happened).
 */
export const MODES = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: { transports: ["polling", "websocket"] },
};

/** The transport a connection of that mode ends up on. */
export function finalTransport(mode) {
  return mode === "polling" ? "polling" : "websocket";
}

/** Client options for a mode: fast reconnection, nothing left to chance. */
export function clientOptions(mode, extra = {}) {
  return {
    ...MODES[mode],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    randomizationFactor: 0,
    timeout: WAIT_MS,
    ...extra,
  };
}

/** Starts an E2eServer process. */
export function startFixture(args = []) {
  return startJava(FIXTURE_CLASS, args);
}

/** One E2eServer for the whole test file, started before its tests and stopped after them. */
export function useFixture(args = []) {
  const fixture = {
    server: null,
    get url() {
      return `http://127.0.0.1:${this.server.port}`;
    },
  };
  before(async () => {
    fixture.server = await startFixture(args);
  });
  after(async () => {
    if (fixture.server) await fixture.server.stop();
  });
  return fixture;
}

/** Rejects after `ms` unless the promise settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The arguments of the next `event` of an emitter (a socket, a Manager, an engine), registering
 * at once. Rejects on timeout, or when one of `failOn` comes first.
 */
export function once(emitter, event, { timeout = WAIT_MS, failOn = [] } = {}) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      for (const name of failOn) emitter.off(name, onFail[name]);
    };
    const onEvent = (...args) => {
      cleanup();
      resolve(args);
    };
    const onFail = {};
    for (const name of failOn) {
      onFail[name] = (...args) => {
        cleanup();
        const detail = args[0] instanceof Error ? `${args[0].message}` : JSON.stringify(args);
        reject(new Error(`"${name}" (${detail}) came while waiting for "${event}"`));
      };
      emitter.on(name, onFail[name]);
    }
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeout} ms waiting for "${event}"`));
    }, timeout);
    emitter.on(event, onEvent);
  });
}

/**
 * Every event a socket receives, recorded from the moment it was created, so that nothing sent
 * right after the CONNECT reply (or batched with it in one polling payload) can be missed.
 */
export class Inbox {
  constructor(socket) {
    this.socket = socket;
    this.received = []; // {event, args, taken}
    this.waiters = []; // {event, resolve}
    socket.onAny((event, ...args) => {
      const entry = { event, args, taken: false };
      this.received.push(entry);
      const index = this.waiters.findIndex((waiter) => waiter.event === event && waiter.matches(args));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        entry.taken = true;
        waiter.resolve(args);
      }
    });
  }

  /**
   * The arguments of the oldest not yet taken `event` (whose arguments satisfy `matches`, if given),
   * waiting for one when there is none.
   */
  next(event, timeout = WAIT_MS, matches = () => true) {
    const entry = this.received.find(
      (candidate) => !candidate.taken && candidate.event === event && matches(candidate.args),
    );
    if (entry) {
      entry.taken = true;
      return Promise.resolve(entry.args);
    }
    let waiter;
    const promise = new Promise((resolve) => {
      waiter = { event, matches, resolve };
      this.waiters.push(waiter);
    });
    return withTimeout(promise, timeout, `event "${event}" on ${this.socket.nsp}`).catch((error) => {
      this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
      throw error;
    });
  }

  /** Waits until an `event` came, without taking it. */
  peek(event, timeout = WAIT_MS) {
    if (this.count(event) > 0) return Promise.resolve();
    return withTimeout(
      new Promise((resolve) => {
        const listener = (name) => {
          if (name === event) {
            this.socket.offAny(listener);
            resolve();
          }
        };
        this.socket.onAny(listener);
      }),
      timeout,
      `event "${event}" on ${this.socket.nsp}`,
    );
  }

  /** The arguments of every `event` received so far, taken or not. */
  all(event) {
    return this.received.filter((entry) => entry.event === event).map((entry) => entry.args);
  }

  /** How many `event` came so far. */
  count(event) {
    return this.all(event).length;
  }
}

/**
 * Creates a socket.io-client socket for a mode, with an Inbox (`socket.inbox`) and `socket.next(event)`,
 * and, in "upgrade" mode, a promise of the engine's `upgrade` event (`socket.upgraded`).
 */
export function createClient(url, mode, { nsp = "/", manager, ...options } = {}) {
  const socket = manager
    ? manager.socket(nsp, options)
    : io(`${url}${nsp}`, clientOptions(mode, options));
  decorate(socket, mode);
  return socket;
}

function decorate(socket, mode) {
  socket.inbox = new Inbox(socket);
  socket.next = (event, timeout) => socket.inbox.next(event, timeout);
  socket.mode = mode;
  watchUpgrade(socket.io, mode);
  return socket;
}

/**
 * Keeps `manager.upgraded`: a promise of the `upgrade` event of the manager's current engine (a new
 * engine is opened, by Manager.open, on every reconnection attempt).
 */
function watchUpgrade(manager, mode) {
  if (manager.upgradeWatched || mode !== "upgrade") return;
  manager.upgradeWatched = true;
  let watchedEngine = null;
  const watch = () => {
    const engine = manager.engine;
    if (!engine || engine === watchedEngine) return;
    watchedEngine = engine;
    manager.upgraded = withTimeout(
      new Promise((resolve) => engine.once("upgrade", (transport) => resolve(transport.name))),
      WAIT_MS,
      "the engine's upgrade event",
    );
    manager.upgraded.catch(() => {}); // awaited by whoever needs it
  };
  watch(); // the engine the constructor opened
  const open = manager.open.bind(manager);
  manager.open = (...args) => {
    const result = open(...args);
    watch();
    return result;
  };
}

/**
 * Waits until the socket is connected (failing on connect_error), and in "upgrade" mode until its
 * engine upgraded to websocket; checks the transport in use.
 */
export async function connected(socket) {
  if (!socket.connected) {
    await once(socket, "connect", { failOn: ["connect_error"] });
  }
  await settledTransport(socket);
  return socket;
}

/** In "upgrade" mode, waits for the upgrade of the current engine; then checks the transport name. */
export async function settledTransport(socket) {
  const mode = socket.mode;
  if (mode === "upgrade") {
    const name = await socket.io.upgraded;
    assert.equal(name, "websocket", "the engine upgraded to websocket");
  }
  assert.equal(socket.io.engine.transport.name, finalTransport(mode), "transport in use");
}

/** A Manager for multiplexing namespaces over one connection, in a mode. */
export function createManager(url, mode, options = {}) {
  const manager = new Manager(url, clientOptions(mode, { autoConnect: true, ...options }));
  watchUpgrade(manager, mode);
  return manager;
}

/**
 * Per-test context: connects clients in the test's mode and closes all of them afterwards.
 */
export class Session {
  constructor(url, mode) {
    this.url = url;
    this.mode = mode;
    this.sockets = [];
    this.managers = [];
  }

  /** A socket created but not awaited (for connect_error cases, or listeners set up early). */
  client(options = {}) {
    const socket = createClient(this.url, this.mode, options);
    this.sockets.push(socket);
    return socket;
  }

  /**
   * A connected (and, in "upgrade" mode, upgraded) socket whose connection handler on the server has run:
   * the fixture's handler emits "auth" first thing (left in the inbox for the test to take).
   */
  async connect(options = {}) {
    const socket = await connected(this.client(options));
    await socket.inbox.peek("auth");
    return socket;
  }

  manager(options = {}) {
    const manager = createManager(this.url, this.mode, options);
    this.managers.push(manager);
    return manager;
  }

  /** An observer on "/" that receives "peer-disconnect" {id, nsp, reason} for every socket that goes. */
  async observer() {
    const socket = await this.connect();
    await socket.timeout(WAIT_MS).emitWithAck("join", "observers");
    /** The reason the server gave for the disconnection of socket `id` of namespace `nsp`. */
    socket.disconnectReason = async (id, nsp = "/") => {
      const [report] = await socket.inbox.next("peer-disconnect", WAIT_MS, ([candidate]) =>
        candidate.id === id && candidate.nsp === nsp,
      );
      return report.reason;
    };
    return socket;
  }

  close() {
    for (const socket of this.sockets) socket.disconnect();
    for (const manager of this.managers) manager.engine?.close();
    for (const socket of this.sockets) socket.io.engine?.close();
  }
}

/**
 * Declares one case in each transport mode, as `describe(title)` with one test per mode. The body gets
 * a Session (`session.connect()`, ...) and the mode; the session's clients are closed after it.
 */
export function forEachMode(title, fixture, body, { timeout = 20_000, modes = Object.keys(MODES) } = {}) {
  describe(title, () => {
    for (const mode of modes) {
      test(mode, { timeout }, async () => {
        const session = new Session(fixture.url, mode);
        try {
          await body(session, mode);
        } finally {
          session.close();
        }
      });
    }
  });
}

/** A string unique to this test run, for room and event names. */
let counter = 0;
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** A dynamic namespace (/dyn-<digits>) no other test has used: its sockets are the test's own. */
export function freshNamespace() {
  counter += 1;
  return `/dyn-${process.pid}${String(counter).padStart(4, "0")}`;
}
