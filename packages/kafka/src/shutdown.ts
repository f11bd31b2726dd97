/**
 * On SIGTERM or SIGINT, runs the stop functions one after another, in the order given — stop intake, let
 * consumers finish or abandon their handlers, then flushers, producers and last the database pool, which
 * in-flight work still needs — and then exits. Each stage gets what is left of `deadlineMs`; a stage past it
 * is left behind so the process still exits (its records were not committed and come back). A second
 * signal exits at once, for the impatient operator.
 */
export function stopOnSignals(
  stops: Array<() => Promise<void>>,
  log: (message: string) => void = console.error,
  deadlineMs = 25_000,
) {
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${signal} received: draining`);
    const until = Date.now() + deadlineMs;
    let failed = 0;
    for (const stop of stops) {
      const left = Math.max(0, until - Date.now());
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const result = await Promise.race([stop().then(() => 'ok' as const), timedOut]).catch(
        () => 'error' as const,
      );
      clearTimeout(timer);
      if (result !== 'ok') failed += 1;
      if (result === 'timeout') log('a shutdown stage passed the deadline; moving on');
    }
    process.exit(failed === 0 ? 0 : 1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
