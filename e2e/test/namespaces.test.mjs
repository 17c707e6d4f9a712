// Namespaces: multiplexing on one Manager with different auth, refusals (unknown namespace,
// middleware, asynchronous middleware, plain exception), dynamic namespaces, isolation.

import assert from "node:assert/strict";
import { connected, forEachMode, freshNamespace, once, useFixture, WAIT_MS } from "./support/clients.mjs";

const fixture = useFixture();

/** The connect_error of a socket that must be refused; fails if it connects instead. */
async function refusal(socket) {
  const [error] = await once(socket, "connect_error", { failOn: ["connect"] });
  assert.ok(error instanceof Error, "connect_error carries an Error");
  assert.equal(socket.connected, false);
  return error;
}

forEachMode("two namespaces multiplexed on one Manager, with different auth", fixture, async (session) => {
  const manager = session.manager();
  const root = session.client({ manager, nsp: "/", auth: { who: "root", token: "irrelevant" } });
  const secured = session.client({ manager, nsp: "/auth-ns", auth: { who: "secured", token: "good" } });
  await Promise.all([connected(root), connected(secured)]);

  assert.equal(root.io, secured.io, "one Manager");
  assert.notEqual(root.id, secured.id);
  assert.deepEqual(await root.next("auth"), [{ who: "root", token: "irrelevant" }]);
  assert.deepEqual(await secured.next("auth"), [{ who: "secured", token: "good" }]);

  const [rootInfo, securedInfo] = await Promise.all([
    root.timeout(WAIT_MS).emitWithAck("whoami"),
    secured.timeout(WAIT_MS).emitWithAck("whoami"),
  ]);
  assert.equal(rootInfo.nsp, "/");
  assert.equal(securedInfo.nsp, "/auth-ns");
  assert.equal(rootInfo.id, root.id);
  assert.equal(securedInfo.id, secured.id);

  // each namespace's events reach only its own socket
  root.emit("echo", "to root");
  secured.emit("echo", "to secured");
  assert.deepEqual(await root.next("echo"), ["to root"]);
  assert.deepEqual(await secured.next("echo"), ["to secured"]);
  await Promise.all([root.timeout(WAIT_MS).emitWithAck("rooms"), secured.timeout(WAIT_MS).emitWithAck("rooms")]);
  assert.equal(root.inbox.count("echo"), 1);
  assert.equal(secured.inbox.count("echo"), 1);

  // leaving one namespace keeps the other, and the shared connection, alive
  root.disconnect();
  assert.equal(manager.engine.readyState, "open");
  assert.deepEqual(await secured.timeout(WAIT_MS).emitWithAck("echo-ack", "still here"), "still here");
});

forEachMode("an unknown namespace is refused with \"Invalid namespace\"", fixture, async (session) => {
  const socket = session.client({ nsp: "/no-such-namespace" });
  const error = await refusal(socket);
  assert.equal(error.message, "Invalid namespace");
  assert.equal(error.data, undefined);
});

forEachMode("an unknown namespace refused on a shared Manager leaves the others connected", fixture, async (session) => {
  const manager = session.manager();
  const root = session.client({ manager, nsp: "/" });
  await connected(root);
  const unknown = session.client({ manager, nsp: "/nope" });
  assert.equal((await refusal(unknown)).message, "Invalid namespace");
  assert.equal(root.connected, true);
  assert.deepEqual(await root.timeout(WAIT_MS).emitWithAck("echo-ack", 1), 1);
});

forEachMode("middleware refusal: connect_error with the message and the data", fixture, async (session) => {
  for (const auth of [{ token: "bad" }, undefined, { token: 42 }]) {
    const socket = session.client({ nsp: "/auth-ns", auth });
    const error = await refusal(socket);
    assert.equal(error.message, "not authorized");
    assert.deepEqual(error.data, { code: 401 });
  }
});

forEachMode("middleware accepts the right token", fixture, async (session) => {
  const socket = await session.connect({ nsp: "/auth-ns", auth: { token: "good", extra: [1, 2] } });
  assert.deepEqual(await socket.next("auth"), [{ token: "good", extra: [1, 2] }]);
});

forEachMode("an asynchronous middleware, deciding on another thread, refuses and accepts", fixture, async (session) => {
  const refused = session.client({ nsp: "/async-auth-ns", auth: { token: "bad" } });
  const error = await refusal(refused);
  assert.equal(error.message, "not authorized, later");
  assert.deepEqual(error.data, { code: 403, later: true });

  const accepted = await session.connect({ nsp: "/async-auth-ns", auth: { token: "good" } });
  assert.deepEqual(await accepted.timeout(WAIT_MS).emitWithAck("echo-ack", "ok"), "ok");
});

forEachMode("a middleware throwing a plain exception refuses with its message", fixture, async (session) => {
  const error = await refusal(session.client({ nsp: "/plain-refusal" }));
  assert.equal(error.message, "plain failure");
  assert.equal(error.data, undefined);
});

forEachMode("a refused namespace and an accepted one on the same Manager", fixture, async (session) => {
  const manager = session.manager();
  const refused = session.client({ manager, nsp: "/auth-ns", auth: { token: "bad" } });
  const dynamic = session.client({ manager, nsp: freshNamespace(), auth: { token: "whatever" } });
  const error = await refusal(refused);
  assert.deepEqual([error.message, error.data], ["not authorized", { code: 401 }]);
  await connected(dynamic);
  assert.deepEqual(await dynamic.next("auth"), [{ token: "whatever" }]);
});

forEachMode("dynamic namespaces: matching names are created on first connection", fixture, async (session) => {
  const name = freshNamespace();
  const first = await session.connect({ nsp: name, auth: { n: 1 } });
  const second = await session.connect({ nsp: name, auth: { n: 2 } });
  assert.deepEqual(await first.next("auth"), [{ n: 1 }]);
  assert.deepEqual(await second.next("auth"), [{ n: 2 }]);
  const info = await first.timeout(WAIT_MS).emitWithAck("whoami");
  assert.equal(info.nsp, name);

  // the two sockets share the namespace: a broadcast from one reaches the other
  await first.timeout(WAIT_MS).emitWithAck("broadcast", { event: "hello-dyn", args: ["hi"] });
  assert.deepEqual(await second.next("hello-dyn"), ["hi"]);

  // names that do not match the pattern are refused
  for (const nsp of ["/dyn-", "/dyn-12a", "/dyn-x", "/DYN-1"]) {
    assert.equal((await refusal(session.client({ nsp }))).message, "Invalid namespace", nsp);
  }
});

forEachMode("broadcasts do not cross namespaces", fixture, async (session) => {
  // both sockets on one Manager: one connection, whose packets arrive in the order the server sent them
  const manager = session.manager();
  const name = freshNamespace();
  const inDyn = session.client({ manager, nsp: name });
  const inRoot = session.client({ manager, nsp: "/" });
  await Promise.all([connected(inDyn), connected(inRoot)]);
  const room = `room-${name}`;
  await inDyn.timeout(WAIT_MS).emitWithAck("join", room);
  await inRoot.timeout(WAIT_MS).emitWithAck("join", room);

  // "/" emits to its room, then a barrier to all of "/": the socket of the dynamic namespace, in a room of
  // the same name, must have got nothing by the time the barrier arrives
  await inRoot.timeout(WAIT_MS).emitWithAck("to-room", { room, event: "root-only", args: [1], barrier: "done" });
  assert.deepEqual(await inRoot.next("root-only"), [1]);
  await inRoot.next("done");
  await inDyn.timeout(WAIT_MS).emitWithAck("to-room", { room, event: "dyn-only", args: [2], barrier: "done" });
  assert.deepEqual(await inDyn.next("dyn-only"), [2]);
  await inDyn.next("done");
  assert.equal(inDyn.inbox.count("root-only"), 0);
  assert.equal(inRoot.inbox.count("dyn-only"), 0);
  assert.equal(inRoot.inbox.count("done"), 1);
});
