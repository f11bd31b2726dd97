import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `work` over `items` starting at most `perSecond` a second, with at most `perSecond` in flight: the
 * budget for Aloware, which documents no rate limit and answers a lookup in 1–1.5 s (aloware-api.md §6).
 */
export async function paced<T, R>(
  items: T[],
  perSecond: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const spacing = 1000 / perSecond;
  const results: Promise<R>[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let next = Date.now();
  for (const item of items) {
    while (inFlight.size >= Math.max(1, Math.ceil(perSecond))) await Promise.race(inFlight);
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    next = Math.max(next, Date.now()) + spacing;
    const run = work(item);
    const tracked = run.finally(() => inFlight.delete(tracked));
    tracked.catch(() => {}); // the failure surfaces through `results`
    inFlight.add(tracked);
    results.push(run);
  }
  return Promise.all(results);
}
