// What a process holds, read from /proc (Linux only; elsewhere the reading throws): resident
// memory, threads, open file descriptors and, among those, sockets.
//
//   const figures = processFigures(server.process.pid); // {rssKiB, threads, fds, sockets}

import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/** The figures of process `pid` right now. */
export function processFigures(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => {
    const match = status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"));
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the look
    }
    fds++;
    if (target.startsWith("socket:")) sockets++;
  }
  return { rssKiB: field("VmRSS"), threads: field("Threads"), fds, sockets };
}

/** Least-squares slope of `values` over `times` (per unit of time). */
export function slope(times, values) {
  const n = times.length;
  if (n < 2) return 0;
  const meanT = times.reduce((a, b) => a + b, 0) / n;
  const meanV = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (times[i] - meanT) * (values[i] - meanV);
    den += (times[i] - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
