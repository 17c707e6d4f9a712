// Waiting for what a test needs, with a deadline generous enough for a busy machine.

/** The arguments of the emitter's next `event`; rejects after `timeoutMs`. */
export function once(emitter, event, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Resolves once `predicate()` holds, checking every 20 ms; rejects after `timeoutMs`. */
export async function waitUntil(predicate, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
