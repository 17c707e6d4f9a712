// Reconnection after a server restart: the fixture stops, a new one starts on the same port, and the
// client reconnects by itself — `connect` fires again, with a new id, the same auth, and what was
// emitted meanwhile.

import assert from "node:assert/strict";
import { connected, forEachMode, once, Session, startFixture, WAIT_MS } from "./support/clients.mjs";

/** Declares the restart case for a way of stopping the first server. */
function restartCase(title, stop) {
  // no shared fixture: each case brings its own two servers
  forEachMode(title, { url: null }, async (_, mode) => {
    let first = await startFixture();
    let second = null;
    const port = first.port;
    const session = new Session(`http://127.0.0.1:${port}`, mode);
    try {
      const auth = { token: "reconnect", n: 2 ** 40 };
      const socket = await session.connect({ auth });
      assert.deepEqual(await socket.next("auth"), [auth]);
      const firstId = socket.id;
      let connects = 0;
      socket.on("connect", () => {
        connects += 1;
      });

      const disconnected = once(socket, "disconnect");
      await stop(first);
      first = null;
      const [reason] = await disconnected;
      assert.ok(socket.active, `the client reconnects after "${reason}"`);

      // emitted while there is no server: buffered by the client, sent once reconnected
      socket.emit("echo", "sent while the server was away", { n: 1 });

      const reconnected = once(socket.io, "reconnect", { timeout: 15_000 });
      const connectAgain = once(socket, "connect", { timeout: 15_000 });
      second = await startFixture(["--port", String(port)]);
      assert.equal(second.port, port);
      const [attempts] = await reconnected;
      await connectAgain;
      await connected(socket); // and, in "upgrade" mode, upgraded on the new engine
      assert.ok(attempts >= 1);
      assert.equal(connects, 1, "connect fired again, once");
      assert.ok(socket.connected);
      assert.notEqual(socket.id, firstId, "a new server, a new id");

      // the new server got the same handshake auth, and the buffered event
      assert.deepEqual(await socket.next("auth"), [auth]);
      assert.deepEqual(await socket.next("echo"), ["sent while the server was away", { n: 1 }]);
      const info = await socket.timeout(WAIT_MS).emitWithAck("whoami");
      assert.equal(info.id, socket.id);
      assert.equal(info.transport, mode === "polling" ? "polling" : "websocket");
      assert.deepEqual(info.auth, auth);
    } finally {
      session.close();
      if (first) await first.stop();
      if (second) await second.stop();
    }
  }, { timeout: 40_000 });
}

restartCase("reconnect after the server process is killed and restarted on the same port", async (server) => {
  server.process.kill("SIGKILL");
  await server.exited;
});

restartCase("reconnect after the server shuts down gracefully and restarts on the same port", async (server) => {
  await server.stop();
});
