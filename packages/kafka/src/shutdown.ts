/**
 * On SIGTERM or SIGINT, runs every stop function (consumers drain their record in flight, producers flush)
 * and then exits. A second signal exits at once, for the impatient operator.
 */
export function stopOnSignals(
  stops: Array<() => Promise<void>>,
  log: (message: string) => void = console.error,
) {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${signal} received: draining`);
    Promise.allSettled(stops.map((stop) => stop())).then((results) => {
      const failed = results.filter((r) => r.status === 'rejected').length;
      process.exit(failed === 0 ? 0 : 1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
