// Connection state recovery while broadcasts keep coming: clients drop their transport again and again and recover
// (the in-memory store). A broadcast logged between the read of the log and the socket's return to its rooms must
// still reach it: every acknowledged message arrives.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startJava } from "./support/server.mjs";
import { once, waitUntil } from "./support/waits.mjs";

const FIXTURE = "io.switchboard.recovery.RecoveryFixture";
const RECEIVERS = 3;
const CYCLES = 15;

const started = [];
after(async () => {
  for (const stop of started.reverse()) await stop().catch(() => {});
});

function connect(port) {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ["websocket"],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  started.push(async () => socket.disconnect());
  return socket;
}

/** Publishers each sending to the room, one acknowledged message after another, until stopped. */
function publish(ports) {
  const acked = [];
  let running = true;
  const done = ports.map(async (port, n) => {
    const socket = connect(port);
    if (!socket.connected) await once(socket, "connect");
    for (let i = 0; running; i++) {
      const value = `p${n}-${i}`;
      try {
        await socket.timeout(5_000).emitWithAck("to-room", "room", "m", value);
        acked.push(value);
      } catch {
        // not acknowledged: not counted
      }
    }
  });
  return {
    acked,
    async stop() {
      running = false;
      await Promise.all(done);
    },
  };
}

async function recoverRepeatedly(t, { receiverPort, publisherPorts }) {
  const receivers = [];
  for (let i = 0; i < RECEIVERS; i++) {
    const socket = connect(receiverPort);
    const received = new Set();
    socket.on("m", (value) => received.add(value));
    if (!socket.connected) await once(socket, "connect");
    await socket.emitWithAck("join", "room");
    receivers.push({ socket, received, id: socket.id });
  }
  const publishers = publish(publisherPorts);
  let recoveries = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const before = publishers.acked.length;
    await waitUntil(() => publishers.acked.length >= before + 5, "traffic between drops");
    const back = receivers.map((r) => once(r.socket, "connect"));
    // the transport goes as a network failure would take it: the client reconnects and asks to recover
    for (const r of receivers) r.socket.io.engine.close();
    await Promise.all(back);
    for (const [i, r] of receivers.entries()) {
      assert.equal(r.socket.recovered, true, `receiver ${i} recovered in cycle ${cycle}`);
      assert.equal(r.socket.id, r.id, `receiver ${i} kept its id in cycle ${cycle}`);
      recoveries++;
    }
  }
  await publishers.stop();
  for (const r of receivers) {
    await waitUntil(() => publishers.acked.every((value) => r.received.has(value)), "every acked message", 10_000)
      .catch(() => {});
  }
  for (const [i, r] of receivers.entries()) {
    const lost = publishers.acked.filter((value) => !r.received.has(value));
    assert.deepEqual(lost, [], `receiver ${i} lost acknowledged messages (${publishers.acked.length} acked)`);
  }
  t.diagnostic(`${recoveries} recoveries under ${publishers.acked.length} acknowledged messages, none lost`);
}

test("recovering again and again on one node loses no acknowledged broadcast", async (t) => {
  const node = await startJava(FIXTURE, ["--store-timeout", "10000"], { timeoutMs: 60_000 });
  started.push(() => node.stop());
  // two publishers, on other loops than some of the receivers, so that their broadcasts race the receivers'
  // rejoining and each other (a loop must send them in the order of their offsets, or a drop skips one)
  await recoverRepeatedly(t, { receiverPort: node.port, publisherPorts: [node.port, node.port] });
});
