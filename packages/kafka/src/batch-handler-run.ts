import type { BatchEnvironment, Item } from './batch-types.ts';
import type { BatchItem } from './consumer-types.ts';
import { decodeValue } from './decode.ts';
import { refreshParked } from './parked-keys.ts';
import { runWithRetries } from './retry-loop.ts';

/**
 * Batch handlers get the whole batch in one call; any failure the retry loop cannot settle (a permanent one
 * somewhere in it, or a budget spent) falls back to record by record, which isolates the culprit. Returns the
 * records still to run.
 */
export async function runAsBatch<E extends { type: string }, D>(
  items: Item[],
  env: BatchEnvironment<E, D>,
): Promise<Item[]> {
  const { processor } = env;
  const { batchHandler, codec, parse, classify, deps, budget } = processor.settings;
  if (!batchHandler || items.length < 2) return items;
  const parked = await refreshParked(items, env);
  if (items.some((i) => parked.has(i.key))) return items;
  const invalid: Array<{ item: Item; error: unknown }> = [];
  const work = async () => {
    invalid.length = 0;
    const decoded: BatchItem<E>[] = [];
    for (const item of items) {
      try {
        decoded.push({ event: await decodeValue(item.message.value, codec, parse), record: item.record });
      } catch (error) {
        if (classify(error) !== 'dead-letter') throw error;
        invalid.push({ item, error });
      }
    }
    const started = performance.now();
    await batchHandler(decoded, deps);
    const perRecord = (performance.now() - started) / Math.max(1, decoded.length);
    for (const d of decoded) processor.settings.observer.handled?.(d.record, d.event.type, perRecord);
  };
  const first = { ...items[0]!.record };
  const result = await runWithRetries(work, first, {
    ...processor.retryContext(env.softSignal, false),
    budget: { ...budget, maxAttempts: Math.min(3, budget.maxAttempts) },
  });
  if (result.kind !== 'done') return result.kind === 'abandoned' ? [] : items;
  for (const { item, error } of invalid) {
    const written = await processor.deadLetter(item.message, item.record, error, undefined, env.softSignal);
    if (!written) return []; // stopped: the batch stays uncommitted and comes back whole
  }
  for (const item of items) env.state.tracker.markDone(item.record.offset);
  return [];
}
