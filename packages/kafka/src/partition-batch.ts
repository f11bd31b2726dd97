import type { EachBatchPayload } from 'kafkajs';
import { runAsBatch } from './batch-handler-run.ts';
import type { BatchEnvironment, Item } from './batch-types.ts';
import { orderingKey, recordContext } from './decode.ts';
import type { OutsideSlot } from './key-scheduler.ts';
import { refreshParked } from './parked-keys.ts';
import { whenAborted } from './sleep.ts';

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
