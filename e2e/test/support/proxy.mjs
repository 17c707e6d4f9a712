// A TCP proxy whose upstream port can be switched, as a load balancer in front of a cluster would be: new
// connections go to the current upstream; connections already open stay where they are until either side closes.
//
//   const proxy = await startProxy(nodeA.port);
//   io(`http://127.0.0.1:${proxy.port}`) ... proxy.switchTo(nodeB.port) ... await proxy.close();

import net from "node:net";

export async function startProxy(initialPort) {
  let upstream = initialPort;
  let paused = false;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const target = net.connect(upstream, "127.0.0.1");
    for (const s of [client, target]) {
      if (paused) s.pause();
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(target);
    target.pipe(client);
    client.on("close", () => target.destroy());
    target.on("close", () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    switchTo(port) {
      upstream = port;
    },
    /** Stops passing bytes either way (connections stay open, as with a stalled network); resume() goes on. */
    pause() {
      paused = true;
      for (const s of sockets) s.pause();
    },
    resume() {
      paused = false;
      for (const s of sockets) s.resume();
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
