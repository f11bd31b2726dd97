import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchItem, RecordContext } from './consumer-types.ts';
import { decodeValue, orderingKey, recordContext } from './decode.ts';
import type { KeyScheduler } from './key-scheduler.ts';
import { OffsetTracker } from './offset-tracker.ts';
import type { RecordProcessor } from './record-processor.ts';
import { runWithRetries } from './retry-loop.ts';

export interface BatchEnvironment<E extends { type: string }, D> {
  processor: RecordProcessor<E, D>;
  scheduler: KeyScheduler;
  /** Aborted on stop and on rebalance: start nothing new, cut backoffs short. */
  softSignal: AbortSignal;
  /** Aborted when the stop deadline passed: return now, whatever is still running. */
  hardSignal: AbortSignal;
  /** False once the group rebalanced since `generation` (its partitions may belong to someone else now). */
  stillOwns(generation: number): boolean;
  generation(): number;
  /** A heartbeat or commit said the group is rebalancing. */
  onRebalance(error: unknown): void;
  commit(topic: string, partition: number, offset: string): Promise<void>;
  heartbeatMs: number;
  commitIntervalMs: number;
}

interface Item {
  message: KafkaMessage;
  record: RecordContext;
  key: string;
}

/**
 * One fetched batch of one partition. Records run through the key scheduler (same key in order, different
 * keys concurrently); the partition's offset is committed as far as every record below it is done, during the
 * batch and at its end, but only while this member still owns the partition. Heartbeats go out while it runs,
 * so long handlers keep the partition; a rebalance they report stops new work and any commit.
 */
export async function processPartitionBatch<E extends { type: string }, D>(
  payload: EachBatchPayload,
  env: BatchEnvironment<E, D>,
): Promise<void> {
  const { batch } = payload;
  if (env.softSignal.aborted || batch.messages.length === 0) return;
  const generation = env.generation();
  const items: Item[] = batch.messages.map((message) => {
    const record = recordContext(batch.topic, batch.partition, message);
    return { message, record, key: orderingKey(record) };
  });
  const tracker = new OffsetTracker(
    items.map((i) => i.record.offset),
    BigInt(batch.lastOffset()) + 1n,
  );
  let committing = Promise.resolve();
  const commitProgress = () => {
    committing = committing.then(async () => {
      const offset = tracker.takeCommittable();
      if (offset === null || !env.stillOwns(generation)) return;
      // Moves kafkajs's fetch position too: without it the next fetch would hand out this batch again.
      payload.resolveOffset(String(BigInt(offset) - 1n));
      await env.commit(batch.topic, batch.partition, offset).catch(env.onRebalance);
    });
    return committing;
  };
  const heartbeat = setInterval(() => payload.heartbeat().catch(env.onRebalance), env.heartbeatMs);
  const committer = setInterval(commitProgress, env.commitIntervalMs);
  const deadline = whenAborted(env.hardSignal);
  try {
    const run = async () => runByKey(await runAsBatch(items, env, tracker), env, tracker);
    await Promise.race([run(), deadline.reached]);
  } finally {
    clearInterval(heartbeat);
    clearInterval(committer);
    deadline.dispose();
  }
  await commitProgress();
}

/** Keys already parked (durably, maybe by another member) before this batch: their records queue behind. */
async function parkedKeys<E extends { type: string }, D>(items: Item[], env: BatchEnvironment<E, D>) {
  const { parking, group } = env.processor.settings;
  if (!parking) return new Set<string>();
  return parking.parkedAmong(group, [...new Set(items.map((i) => i.key))]);
}

/**
 * Batch handlers get the whole batch in one call; any failure the retry loop cannot settle (a permanent one
 * somewhere in it, or a budget spent) falls back to record by record, which isolates the culprit. Returns the
 * records still to run.
 */
async function runAsBatch<E extends { type: string }, D>(
  items: Item[],
  env: BatchEnvironment<E, D>,
  tracker: OffsetTracker,
): Promise<Item[]> {
  const { processor } = env;
  const { batchHandler, codec, parse, classify, deps, budget } = processor.settings;
  if (!batchHandler || items.length < 2) return items;
  if ((await parkedKeys(items, env)).size > 0) return items;
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
  for (const { item, error } of invalid) await processor.deadLetter(item.message, item.record, error);
  for (const item of items) tracker.markDone(item.record.offset);
  return [];
}

async function runByKey<E extends { type: string }, D>(
  items: Item[],
  env: BatchEnvironment<E, D>,
  tracker: OffsetTracker,
): Promise<void> {
  if (items.length === 0) return;
  const parked = await parkedKeys(items, env);
  // A key whose record could not finish (stop, rebalance, Kafka or Postgres down) runs nothing more in this
  // batch: its later records must not overtake it. They come back with the uncommitted offset.
  const blocked = new Set<string>();
  const { processor } = env;
  const runOne = async ({ message, record, key }: Item) => {
    if (blocked.has(key) || env.softSignal.aborted) return void blocked.add(key);
    try {
      if (parked.has(key)) {
        await processor.park(
          message,
          record,
          new Error('waiting behind a parked record'),
          'behind-parked-key',
        );
        return tracker.markDone(record.offset);
      }
      const outcome = await processor.process(message, record, env.softSignal);
      if (outcome === 'abandoned') return void blocked.add(key);
      if (outcome === 'parked') parked.add(key);
      tracker.markDone(record.offset);
    } catch (error) {
      blocked.add(key);
      processor.settings.observer.abandoned?.(record, error);
    }
  };
  await Promise.all(items.map((item) => env.scheduler.submit(item.key, () => runOne(item))));
}

/** Resolves when `signal` aborts; `dispose` removes the listener (the signal outlives every batch). */
function whenAborted(signal: AbortSignal) {
  let done: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    done = resolve;
    if (signal.aborted) resolve();
  });
  signal.addEventListener('abort', done, { once: true });
  return { reached, dispose: () => signal.removeEventListener('abort', done) };
}
