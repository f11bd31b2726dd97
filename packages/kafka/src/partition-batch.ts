import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchItem, RecordContext } from './consumer-types.ts';
import { decodeValue, orderingKey, recordContext } from './decode.ts';
import type { InFlight } from './in-flight.ts';
import type { KeyScheduler, OutsideSlot } from './key-scheduler.ts';
import type { PartitionState } from './partition-state.ts';
import type { RecordProcessor } from './record-processor.ts';
import { runWithRetries } from './retry-loop.ts';
import { whenAborted } from './sleep.ts';

export interface BatchEnvironment<E extends { type: string }, D> {
  processor: RecordProcessor<E, D>;
  scheduler: KeyScheduler;
  inFlight: InFlight;
  /** Fetching waits while this many records are queued or running (memory, and fairness to other members). */
  maxInFlight: number;
  state: PartitionState;
  /** Aborted on stop and on rebalance: start nothing new, cut backoffs short. */
  softSignal: AbortSignal;
  /** Aborted when the stop deadline passed: stop waiting for anything. */
  hardSignal: AbortSignal;
  /** A heartbeat said the group is rebalancing. */
  onRebalance(error: unknown): void;
  heartbeatMs: number;
}

interface Item {
  message: KafkaMessage;
  record: RecordContext;
  key: string;
}

/**
 * Takes one fetched batch of one partition. Records go to the key scheduler (same key in order, different
 * keys concurrently) and this returns at once, so the next fetch — of every partition — does not wait for a
 * slow key; the partition's offset is committed elsewhere, as far as every record below it is done. Batch
 * handlers are the exception: a projection's batch is the unit, so it runs before the next one is taken.
 * Heartbeats go out whenever this has to wait, so neither a long batch nor backpressure costs the partition.
 */
export async function acceptBatch<E extends { type: string }, D>(
  payload: EachBatchPayload,
  env: BatchEnvironment<E, D>,
): Promise<void> {
  const { batch } = payload;
  if (env.softSignal.aborted || batch.messages.length === 0) return;
  const items: Item[] = batch.messages.map((message) => {
    const record = recordContext(batch.topic, batch.partition, message);
    return { message, record, key: orderingKey(record) };
  });
  const heartbeat = setInterval(() => payload.heartbeat().catch(env.onRebalance), env.heartbeatMs);
  try {
    await env.inFlight.below(env.maxInFlight, env.softSignal);
    if (env.softSignal.aborted) return;
    env.state.tracker.add(
      items.map((i) => i.record.offset),
      BigInt(batch.lastOffset()) + 1n,
    );
    const remaining = await runAsBatch(items, env);
    const { finished } = await submitByKey(remaining, env);
    if (env.processor.settings.batchHandler) {
      const deadline = whenAborted(env.hardSignal);
      await Promise.race([finished, deadline.reached]).finally(deadline.dispose);
    }
    // Moves kafkajs's fetch position past the batch: the records are ours now, whatever their progress.
    payload.resolveOffset(batch.lastOffset());
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Which of the batch's keys are parked, durably (maybe by another member, maybe released since). A key with
 * records of its own still queued here keeps what this member knows: those records decided on it in order,
 * and a parked answer read before one of them parked would otherwise let the next overtake it.
 */
async function refreshParked<E extends { type: string }, D>(items: Item[], env: BatchEnvironment<E, D>) {
  const { parking, group } = env.processor.settings;
  const { parked, pendingByKey } = env.state;
  if (!parking) return parked;
  const keys = [...new Set(items.map((i) => i.key))];
  const found = await parking.parkedAmong(group, keys);
  for (const key of keys) {
    if (found.has(key)) parked.add(key);
    else if (!pendingByKey.get(key)) parked.delete(key);
  }
  return parked;
}

/**
 * Batch handlers get the whole batch in one call; any failure the retry loop cannot settle (a permanent one
 * somewhere in it, or a budget spent) falls back to record by record, which isolates the culprit. Returns the
 * records still to run.
 */
async function runAsBatch<E extends { type: string }, D>(
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

/**
 * Hands the records to the scheduler and resolves once they are queued (not run), with a promise of their
 * completion wrapped so that awaiting this does not wait for it.
 */
async function submitByKey<E extends { type: string }, D>(
  items: Item[],
  env: BatchEnvironment<E, D>,
): Promise<{ finished: Promise<unknown> }> {
  if (items.length === 0) return { finished: Promise.resolve() };
  const parked = await refreshParked(items, env);
  const { processor, state } = env;
  const runOne = async ({ message, record, key }: Item, outsideSlot: OutsideSlot) => {
    try {
      // A stop or rebalance leaves the rest uncommitted: they come back to whoever owns the partition next.
      // Nor may a key's later record overtake one that was left unfinished.
      if (env.softSignal.aborted || state.blocked.has(key)) return;
      if (parked.has(key)) {
        const queued = await processor.park(
          message,
          record,
          'waiting behind a parked record',
          env.softSignal,
        );
        if (queued) state.tracker.markDone(record.offset);
        else state.blocked.add(key);
        return;
      }
      const outcome = await processor.process(message, record, env.softSignal, outsideSlot);
      if (outcome === 'abandoned') return void state.blocked.add(key);
      if (outcome === 'parked') parked.add(key);
      state.tracker.markDone(record.offset);
    } finally {
      env.inFlight.done();
      const left = (state.pendingByKey.get(key) ?? 1) - 1;
      if (left > 0) state.pendingByKey.set(key, left);
      else state.pendingByKey.delete(key);
    }
  };
  env.inFlight.add(items.length);
  for (const { key } of items) state.pendingByKey.set(key, (state.pendingByKey.get(key) ?? 0) + 1);
  return {
    finished: Promise.all(
      items.map((item) => env.scheduler.submit(item.key, (outsideSlot) => runOne(item, outsideSlot))),
    ),
  };
}
