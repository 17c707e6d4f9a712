// socket.io-client 4.8 clients that record what they receive and answer "ask*" events with {id, echo}.

import { io } from "socket.io-client";

export const TIMEOUT_MS = 5_000;

export async function connect(port, { namespace = "/", tag = "", silent = false } = {}) {
  const socket = io(`http://127.0.0.1:${port}${namespace === "/" ? "" : namespace}`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { tag },
    query: { probe: "mixed" },
  });
  const client = { socket, inbox: [], waiters: [], silent, tag };
  socket.onAny((event, ...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack && !client.silent) ack({ id: socket.id, echo: args[0] });
    client.inbox.push([event, ...args]);
    client.waiters = client.waiters.filter((waiter) => !waiter());
  });
  socket.on("disconnect", (reason) => {
    client.inbox.push(["disconnect", reason]);
    client.waiters = client.waiters.filter((waiter) => !waiter());
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return client;
}

/** Waits for the first event named `name`; consumes it and everything before; resolves with all of them. */
function take(client, name, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const index = client.inbox.findIndex(([event]) => event === name);
      if (index < 0) return false;
      clearTimeout(timer);
      resolve(client.inbox.splice(0, index + 1));
      return true;
    };
    const timer = setTimeout(() => {
      client.waiters = client.waiters.filter((waiter) => waiter !== check);
      reject(new Error(`${client.tag} (${client.socket.id}) got no "${name}" within ${timeoutMs} ms; ` +
        `inbox: ${JSON.stringify(client.inbox)}`));
    }, timeoutMs);
    if (!check()) client.waiters.push(check);
  });
}

/** Resolves with the first recorded event named `name`, as [name, ...args]. */
export async function next(client, name, timeoutMs = TIMEOUT_MS) {
  return (await take(client, name, timeoutMs)).at(-1);
}

/** The names of the events received up to and including `marker`: proves what did not arrive before it. */
export async function namesUntil(client, marker, timeoutMs = TIMEOUT_MS) {
  return (await take(client, marker, timeoutMs)).map(([event]) => event);
}

/** Waits until every one of `names` arrived, in any order (different senders); consumes and returns all. */
export function allOf(client, names, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const seen = client.inbox.map(([event]) => event);
      if (!names.every((name) => seen.includes(name))) return false;
      clearTimeout(timer);
      resolve(client.inbox.splice(0).map(([event]) => event));
      return true;
    };
    const timer = setTimeout(() => {
      client.waiters = client.waiters.filter((waiter) => waiter !== check);
      reject(new Error(`${client.tag} did not get all of ${names} within ${timeoutMs} ms; ` +
        `inbox: ${JSON.stringify(client.inbox)}`));
    }, timeoutMs);
    if (!check()) client.waiters.push(check);
  });
}

/** Sends a control request to the client's server and resolves with the ack. */
export function control(client, event, ...args) {
  return client.socket.timeout(15_000).emitWithAck(event, ...args);
}
