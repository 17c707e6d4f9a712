// Acknowledgements both ways, with and without timeouts, direct and broadcast.

import assert from "node:assert/strict";
import { forEachMode, freshNamespace, useFixture } from "./support/clients.mjs";
import { RICH } from "./support/data.mjs";

const fixture = useFixture();

/** Records the "question" events a client gets, with their ack callbacks, answering none by itself. */
function collectQuestions(socket) {
  const questions = [];
  const waiters = [];
  socket.on("question", (...args) => {
    const ack = args.pop();
    const question = { args, ack };
    const waiter = waiters.shift();
    if (waiter) waiter(question);
    else questions.push(question);
  });
  return {
    next(timeout = 5_000) {
      if (questions.length > 0) return Promise.resolve(questions.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out waiting for a question")), timeout);
        waiters.push((question) => {
          clearTimeout(timer);
          resolve(question);
        });
      });
    },
  };
}

forEachMode("the server acks with the very arguments (rich JSON, several of them)", fixture, async (session) => {
  const socket = await session.connect();
  assert.deepEqual(await socket.timeout(5_000).emitWithAck("echo-ack", RICH), RICH);
  const all = await new Promise((resolve, reject) => {
    socket.timeout(5_000).emit("echo-ack", 1, null, "🦊", [], {}, 2 ** 40, (error, ...args) =>
      error ? reject(error) : resolve(args),
    );
  });
  assert.deepEqual(all, [1, null, "🦊", [], {}, 2 ** 40]);
});

forEachMode("an ack without arguments, and with binary ones", fixture, async (session) => {
  const socket = await session.connect();
  const empty = await new Promise((resolve) => socket.emit("echo-ack", (...args) => resolve(args)));
  assert.deepEqual(empty, []);
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  const acked = await socket.timeout(5_000).emitWithAck("echo-ack", { nested: [bytes] });
  assert.ok(Buffer.isBuffer(acked.nested[0]));
  assert.deepEqual(acked, { nested: [bytes] });
});

forEachMode("many acks in flight resolve each with its own answer", fixture, async (session) => {
  const socket = await session.connect();
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) => socket.timeout(5_000).emitWithAck("echo-ack", { i })),
  );
  answers.forEach((answer, i) => assert.deepEqual(answer, { i }));
});

forEachMode("client timeout: emitWithAck on an event the server never acks rejects", fixture, async (session) => {
  const socket = await session.connect();
  const started = Date.now();
  await assert.rejects(socket.timeout(100).emitWithAck("never-ack", "hello"), (error) => {
    assert.ok(error instanceof Error);
    assert.equal(error.message, "operation has timed out");
    return true;
  });
  assert.ok(Date.now() - started >= 90, "not before the timeout");
  // the callback form gets the same error first
  const [error, ...rest] = await new Promise((resolve) =>
    socket.timeout(100).emit("never-ack", (...args) => resolve(args)),
  );
  assert.ok(error instanceof Error);
  assert.deepEqual(rest, []);
  // and the connection is as good as before
  assert.deepEqual(await socket.timeout(5_000).emitWithAck("echo-ack", "still here"), "still here");
});

forEachMode("the server asks the client, with a timeout, and gets its answer (binary included)", fixture, async (session) => {
  const socket = await session.connect();
  const questions = collectQuestions(socket);
  await socket.timeout(5_000).emitWithAck("ask-client", { tag: "q1", timeout: 5_000, args: [RICH, "second"] });
  const question = await questions.next();
  assert.deepEqual(question.args, [RICH, "second"]);
  question.ack("yes", { bytes: Buffer.from([1, 2, 3]) }, null);
  const [report] = await socket.next("answer");
  assert.equal(report.tag, "q1");
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.deepEqual(report.args, ["yes", { bytes: Buffer.from([1, 2, 3]) }, null]);
});

forEachMode("the server's timeout passes when the client does not answer", fixture, async (session) => {
  const socket = await session.connect();
  const questions = collectQuestions(socket);
  await socket.timeout(5_000).emitWithAck("ask-client", { tag: "late", timeout: 150, args: ["anyone?"] });
  const question = await questions.next();
  const [report] = await socket.next("answer");
  assert.deepEqual(report, {
    tag: "late",
    ok: false,
    error: "operation has timed out",
    errorType: "AckTimeoutException",
  });
  // a late answer is ignored, and the next question works
  question.ack("too late");
  await socket.timeout(5_000).emitWithAck("ask-client", { tag: "next", timeout: 5_000, args: [] });
  (await questions.next()).ack("in time");
  const [second] = await socket.next("answer");
  assert.deepEqual(second, { tag: "next", ok: true, args: ["in time"] });
  assert.equal(socket.inbox.count("answer"), 2, "no report for the late answer");
});

forEachMode("broadcast with ack: the server collects every client's answer", fixture, async (session) => {
  const nsp = freshNamespace();
  const sockets = await Promise.all([1, 2, 3].map(() => session.connect({ nsp })));
  for (const socket of sockets) {
    socket.on("question", (text, ack) => ack({ from: socket.id, text }));
  }
  const result = await sockets[0].timeout(5_000).emitWithAck("server-broadcast-ack", {
    timeout: 5_000,
    args: ["roll call"],
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(result.error, null);
  const answers = [...result.answers].sort((a, b) => a.from.localeCompare(b.from));
  const expected = sockets.map((socket) => ({ from: socket.id, text: "roll call" }));
  expected.sort((a, b) => a.from.localeCompare(b.from));
  assert.deepEqual(answers, expected);
});

forEachMode("broadcast with ack times out with the answers that came in time", fixture, async (session) => {
  const nsp = freshNamespace();
  const [asker, helpful, silent] = await Promise.all([1, 2, 3].map(() => session.connect({ nsp })));
  asker.on("question", (ack) => ack("asker"));
  helpful.on("question", (ack) => ack("helpful"));
  const ignored = new Promise((resolve) => silent.on("question", resolve)); // never acks
  const result = await asker.timeout(5_000).emitWithAck("server-broadcast-ack", { timeout: 200, args: [] });
  await ignored;
  assert.equal(result.ok, false);
  assert.equal(result.error, "operation has timed out");
  assert.deepEqual([...result.answers].sort(), ["asker", "helpful"]);
});

// A direct emitWithAck and a broadcast with ack pending on the same socket must not share an ack id:
// the reference server takes both from one counter per namespace (nsp._ids).
forEachMode("a direct ack and a broadcast ack pending at once both get their own answer", fixture, async (session) => {
  const nsp = freshNamespace(); // a fresh namespace and a fresh socket: both counters start alike
  const socket = await session.connect({ nsp });
  const questions = collectQuestions(socket);

  await socket.timeout(5_000).emitWithAck("ask-client", { tag: "direct", timeout: 2_000, args: ["direct?"] });
  const direct = await questions.next();
  const broadcastResult = socket.timeout(5_000).emitWithAck("server-broadcast-ack", {
    timeout: 2_000,
    args: ["broadcast?"],
  });
  const broadcast = await questions.next();
  assert.deepEqual(direct.args, ["direct?"]);
  assert.deepEqual(broadcast.args, ["broadcast?"]);

  direct.ack("direct answer");
  broadcast.ack("broadcast answer");

  const result = await broadcastResult;
  const report = await socket.next("answer", 3_000).then(
    ([answer]) => answer,
    () => "no report within 3 s (the direct ack never completed, not even by its 2 s timeout)",
  );
  assert.deepEqual(
    { direct: report, broadcast: result },
    {
      direct: { tag: "direct", ok: true, args: ["direct answer"] },
      broadcast: { ok: true, error: null, answers: ["broadcast answer"] },
    },
  );
});
