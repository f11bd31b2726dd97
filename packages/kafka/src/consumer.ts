import { setMaxListeners } from 'node:events';
import type { Consumer } from 'kafkajs';
import { AuthGate } from './auth-gate.ts';
import { startCommitLoop } from './commit-loop.ts';
import type { ConsumerOptions, Handler, RetryBudget, RunningConsumer } from './consumer-types.ts';
import { classifyFailure, PermanentError } from './errors.ts';
import { InFlight } from './in-flight.ts';
import { KeyScheduler } from './key-scheduler.ts';
import { ParkedRetrier } from './parked-retrier.ts';
import { acceptBatch } from './partition-batch.ts';
import { PartitionStates } from './partition-state.ts';
import { EventProducer } from './producer.ts';
import { RecordProcessor } from './record-processor.ts';

export const DEFAULT_RETRY_BUDGET: RetryBudget = {
  baseMs: 200,
  maxMs: 30_000,
  maxAttempts: 8,
  maxElapsedMs: 120_000,
};

/**
 * Runs a consumer group on fetched batches: decode → parse → dispatch by `type`, records of one key in order,
 * different keys concurrently (`maxConcurrency` per member). A partition's offset is committed only up to the
 * first record not done, so a crash at any point means redelivery (handlers are idempotent), never loss.
 * Retriable failures retry with backoff within a budget; a key that spends it is parked (its later records
 * queue behind it) while other keys flow; permanent failures are dead-lettered with the reason.
 */
export async function startConsumer<E extends { type: string }, D>(
  options: ConsumerOptions<E, D>,
): Promise<RunningConsumer> {
  if (!options.handlers && !options.batchHandler) {
    throw new PermanentError('no-handlers', 'a consumer needs handlers or a batch handler');
  }
  const stopping = new AbortController();
  const deadline = new AbortController();
  let generation = 0;
  let rebalance = new AbortController();
  let softSignal = AbortSignal.any([stopping.signal, rebalance.signal]);
  let activeBatches = 0;
  // Every record waiting out a backoff listens on these: many keys at once is normal, not a leak.
  const listenable = (...signals: AbortSignal[]) => setMaxListeners(10_000, ...signals);
  listenable(stopping.signal, deadline.signal, rebalance.signal, softSignal);

  const deadLetters = new EventProducer(options.kafka, options.codec);
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout,
    heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
    allowAutoTopicCreation: false,
    // An idle long poll delays a stop (kafkajs finishes it first) and with it leaving the group cleanly.
    maxWaitTimeInMs: 1000,
  });
  const processor = new RecordProcessor<E, D>({
    group: options.groupId,
    deadLetterTopic: options.deadLetterTopic ?? `${options.groupId}.dlq`,
    codec: options.codec,
    parse: options.parse,
    // The map is typed per event type for callers; dispatch looks a handler up by the runtime `type`.
    handlers: (options.handlers ?? {}) as Partial<Record<string, Handler<E, D>>>,
    batchHandler: options.batchHandler,
    deps: options.deps,
    budget: { ...DEFAULT_RETRY_BUDGET, ...options.retry },
    classify: options.classify ?? classifyFailure,
    parking: options.parking,
    pauseProbeMs: options.pauseProbeMs ?? 5000,
    parkedRetry: { baseMs: options.parkedRetryIntervalMs ?? 30_000, maxMs: 15 * 60_000 },
    observer: options.observer ?? {},
    deadLetters,
    gate: new AuthGate(),
  });
  const maxConcurrency = options.maxConcurrency ?? 16;
  const scheduler = new KeyScheduler(maxConcurrency);
  const inFlight = new InFlight();
  const partitions = new PartitionStates();
  const retrier = new ParkedRetrier(processor, stopping.signal);

  // A rebalance takes every partition away (eager protocol): work in flight must stop and commit nothing.
  const onRebalance = () => {
    if (!rebalance.signal.aborted) rebalance.abort();
  };
  consumer.on(consumer.events.REBALANCING, onRebalance);
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    generation += 1;
    partitions.clear();
    rebalance = new AbortController();
    softSignal = AbortSignal.any([stopping.signal, rebalance.signal]);
    listenable(rebalance.signal, softSignal);
    options.observer?.assigned?.(event.payload.memberAssignment);
  });

  const commits = startCommitLoop({
    consumer,
    partitions,
    generation: () => generation,
    rebalancing: () => rebalance.signal.aborted,
    onRebalance,
    observer: options.observer ?? {},
    intervalMs: options.commitIntervalMs ?? 1000,
  });

  await deadLetters.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Every assigned partition is fetched and handed over at once; the key scheduler bounds the real work.
    partitionsConsumedConcurrently: 64,
    eachBatch: async (payload) => {
      activeBatches += 1;
      try {
        await acceptBatch(payload, {
          processor,
          scheduler,
          inFlight,
          maxInFlight: Math.max(1000, 20 * maxConcurrency),
          state: partitions.for(payload.batch.topic, payload.batch.partition, generation),
          softSignal,
          hardSignal: deadline.signal,
          onRebalance,
          heartbeatMs: Math.min(1000, Math.floor(sessionTimeout / 6)),
        });
      } finally {
        activeBatches -= 1;
      }
    },
  });
  retrier.start();

  return {
    groupId: options.groupId,
    releaseParked: (key) => retrier.retryKey(key),
    async stop(deadlineMs = 10_000) {
      stopping.abort();
      const until = Date.now() + deadlineMs;
      const idle = () => activeBatches === 0 && inFlight.size === 0;
      // Handlers in flight finish (or their backoffs end) before the deadline; what is done is committed
      // before kafkajs's own stop begins, since it refuses commits after that.
      while (!idle() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      deadline.abort();
      while (activeBatches > 0) await new Promise((r) => setTimeout(r, 20));
      await commits.stop();
      await retrier.stopped();
      await consumer.stop();
      await consumer.disconnect();
      await deadLetters.disconnect();
    },
  };
}
