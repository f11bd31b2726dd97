/** Waits `ms`, or less when `signal` aborts (stop, rebalance): a backoff must never hold up either. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when `signal` aborts; `dispose` removes the listener (for signals that outlive the wait). */
export function whenAborted(signal: AbortSignal) {
  let done: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    done = resolve;
    if (signal.aborted) resolve();
  });
  signal.addEventListener('abort', done, { once: true });
  return { reached, dispose: () => signal.removeEventListener('abort', done) };
}
