import type { IHeaders } from 'kafkajs';
import type { AuthGate } from './auth-gate.ts';
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
import type { ParkingStore } from './parking.ts';
import type { EventProducer } from './producer.ts';
import type { SchemaCodec } from './registry.ts';
import { runWithRetries } from './retry-loop.ts';

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

  async handle(event: E, record: RecordContext): Promise<void> {
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
  }

  async process(raw: RawRecord, record: RecordContext, signal: AbortSignal): Promise<RecordOutcome> {
    const s = this.settings;
    const work = async () => this.handle(await decodeValue(raw.value, s.codec, s.parse), record);
    const result = await runWithRetries(work, record, this.retryContext(signal));
    if (result.kind === 'done' || result.kind === 'abandoned') return result.kind;
    if (result.kind === 'dead-letter') {
      await this.deadLetter(raw, record, result.error);
      return 'dead-lettered';
    }
    await this.park(raw, record, result.error, failureReason(result.error));
    return 'parked';
  }

  async deadLetter(raw: RawRecord, record: RecordContext, error: unknown, reason?: string): Promise<void> {
    const s = this.settings;
    const written = await writeDeadLetter(
      s.deadLetters,
      { topic: s.deadLetterTopic, group: s.group },
      raw,
      record,
      error,
      reason,
    );
    s.observer.deadLettered?.(record, written, error);
  }

  /** Parks the record under its key; `reason` is `behind-parked-key` for records queued behind the first. */
  async park(raw: RawRecord, record: RecordContext, error: unknown, reason: string): Promise<void> {
    const s = this.settings;
    if (!s.parking) throw new Error('parking without a parking store');
    await s.parking.park(
      s.group,
      [
        {
          key: orderingKey(record),
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          value: raw.value,
          headers: record.headers,
          reason,
          error: error instanceof Error ? error.message.slice(0, 1000) : String(error),
          attempts: record.attempt,
        },
      ],
      new Date(Date.now() + s.parkedRetry.baseMs),
    );
    s.observer.parked?.(record, reason, error);
  }
}
