import type { IHeaders } from 'kafkajs';
import type { AuthGate } from './auth-gate.ts';
import { backoffDelay } from './backoff.ts';
import type {
  BatchHandler,
  ConsumerObserver,
  Handler,
  RecordContext,
  RetryBudget,
} from './consumer-types.ts';
import { writeDeadLetter } from './dead-letter.ts';
import { decodeValue, orderingKey } from './decode.ts';
import { type FailureDisposition, failureReason } from './errors.ts';
import type { OutsideSlot } from './key-scheduler.ts';
import type { ParkingStore } from './parking.ts';
import type { EventProducer } from './producer.ts';
import type { SchemaCodec } from './registry.ts';
import { runWithRetries } from './retry-loop.ts';
import { sleep } from './sleep.ts';
import { inRecordSpan } from './trace-context.ts';

export interface RawRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export type RecordOutcome = 'done' | 'parked' | 'dead-lettered' | 'abandoned';

export interface ProcessorSettings<E extends { type: string }, D> {
  group: string;
  deadLetterTopic: string;
  codec: SchemaCodec;
  parse: (value: unknown) => E;
  handlers: Partial<Record<string, Handler<E, D>>>;
  batchHandler: BatchHandler<E, D> | undefined;
  deps: D;
  budget: RetryBudget;
  classify: (error: unknown) => FailureDisposition;
  parking: ParkingStore | undefined;
  pauseProbeMs: number;
  /** Parked keys are tried again on this schedule (the first try after `baseMs`). */
  parkedRetry: { baseMs: number; maxMs: number };
  observer: ConsumerObserver;
  deadLetters: EventProducer;
  gate: AuthGate;
}

/** One record, start to finish: decode, dispatch, the retry loop, then dead-letter or park when it says so. */
export class RecordProcessor<E extends { type: string }, D> {
  constructor(readonly settings: ProcessorSettings<E, D>) {}

  retryContext(signal: AbortSignal, canPark = this.settings.parking !== undefined) {
    const s = this.settings;
    return {
      budget: s.budget,
      classify: s.classify,
      canPark,
      pauseProbeMs: s.pauseProbeMs,
      gate: s.gate,
      observer: s.observer,
      signal,
    };
  }

  /** One try at one record, in a span of the trace its headers carry (one span per attempt). */
  handle(event: E, record: RecordContext): Promise<void> {
    return inRecordSpan(this.settings.group, record, event.type, async () => {
      const s = this.settings;
      const started = performance.now();
      if (s.batchHandler) {
        await s.batchHandler([{ event, record }], s.deps);
      } else {
        const handler = s.handlers[event.type];
        if (!handler) return s.observer.skipped?.(record, event.type);
        await handler(event, s.deps, record);
      }
      s.observer.handled?.(record, event.type, performance.now() - started);
    });
  }

  async process(
    raw: RawRecord,
    record: RecordContext,
    signal: AbortSignal,
    outsideSlot?: OutsideSlot,
  ): Promise<RecordOutcome> {
    const s = this.settings;
    const work = async () => this.handle(await decodeValue(raw.value, s.codec, s.parse), record);
    const result = await runWithRetries(work, record, { ...this.retryContext(signal), outsideSlot });
    if (result.kind === 'done' || result.kind === 'abandoned') return result.kind;
    if (result.kind === 'dead-letter') {
      return (await this.deadLetter(raw, record, result.error, undefined, signal))
        ? 'dead-lettered'
        : 'abandoned';
    }
    const parked = await this.park(raw, record, result.error, signal, failureReason(result.error));
    return parked ? 'parked' : 'abandoned';
  }

  /** Writes the dead letter, trying again while Kafka is unreachable; false when stopped first. */
  async deadLetter(
    raw: RawRecord,
    record: RecordContext,
    error: unknown,
    reason?: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const s = this.settings;
    const where = { topic: s.deadLetterTopic, group: s.group };
    const written = await this.persist(record, signal, () =>
      writeDeadLetter(s.deadLetters, where, raw, record, error, reason),
    );
    if (written) s.observer.deadLettered?.(record, written.value, error);
    return written !== undefined;
  }

  /**
   * Parks the record under its key, trying again while Postgres is unreachable; false when stopped first.
   * `reason` is `behind-parked-key` for records queued behind the first.
   */
  async park(
    raw: RawRecord,
    record: RecordContext,
    error: unknown,
    signal: AbortSignal,
    reason = 'behind-parked-key',
  ): Promise<boolean> {
    const s = this.settings;
    const parking = s.parking;
    if (!parking) throw new Error('parking without a parking store');
    const entry = {
      key: orderingKey(record),
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      value: raw.value,
      headers: record.headers,
      reason,
      error: error instanceof Error ? error.message.slice(0, 1000) : String(error).slice(0, 1000),
      attempts: record.attempt,
    };
    const retryAt = () => new Date(Date.now() + s.parkedRetry.baseMs);
    const done = await this.persist(record, signal, () => parking.park(s.group, [entry], retryAt()));
    if (!done) return false;
    s.observer.parked?.(record, reason, error);
    return true;
  }

  /**
   * Where a record goes when it cannot be handled must itself be written, or the record is lost: such writes
   * are tried until they succeed or the run stops (then the record stays uncommitted and comes back).
   */
  private async persist<T>(
    record: RecordContext,
    signal: AbortSignal | undefined,
    write: () => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return undefined;
      try {
        return { value: await write() };
      } catch (error) {
        this.settings.observer.abandoned?.(record, error);
        if (!signal) throw error;
        await sleep(backoffDelay(attempt, { baseMs: 200, maxMs: 10_000 }), signal);
      }
    }
  }
}
