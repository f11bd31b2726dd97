import type { Kafka } from 'kafkajs';
import type { BackoffPolicy } from './backoff.ts';
import type { FailureDisposition } from './errors.ts';
import type { ParkingStore } from './parking.ts';
import type { SchemaCodec } from './registry.ts';

/** Where a record came from; handlers get it for logging and outcomes, never to talk to Kafka. */
export interface RecordContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on the first try; more when a retriable failure made the runner call the handler again. */
  attempt: number;
}

/** A plain function: given an event and its dependencies, do the work. Throwing is how it reports failure. */
export type Handler<E, D> = (event: E, deps: D, record: RecordContext) => Promise<void>;

/** Handlers by event type, each typed by the event it receives. A type without one is skipped and committed. */
export type HandlerMap<E extends { type: string }, D> = string extends E['type']
  ? Partial<Record<string, Handler<E, D>>> // events typed only as `type: string` (tests, generic tools)
  : { [T in E['type']]?: Handler<Extract<E, { type: T }>, D> };

export interface BatchItem<E> {
  event: E;
  record: RecordContext;
}

/**
 * Takes every decoded record of a fetched batch, in log order (projections: one multi-row write per batch).
 * It must be idempotent like any handler: a failed batch is tried again, then record by record.
 */
export type BatchHandler<E, D> = (items: BatchItem<E>[], deps: D) => Promise<void>;

/** Hooks for metrics and logs; every one is optional. */
export interface ConsumerObserver {
  handled?(record: RecordContext, type: string, durationMs: number): void;
  skipped?(record: RecordContext, type: string): void;
  retrying?(record: RecordContext, error: unknown, delayMs: number): void;
  deadLettered?(record: RecordContext, reason: string, error: unknown): void;
  parked?(record: RecordContext, reason: string, error: unknown): void;
  /** A tool refused our credentials: consumption is paused until a probe gets through. */
  paused?(record: RecordContext, error: unknown): void;
  resumed?(): void;
  /** This member joined the group (again) and owns these partitions now. */
  assigned?(partitions: Record<string, number[]>): void;
  /** The group's offset of a partition moved to `offset` (everything below it is done). */
  committed?(topic: string, partition: number, offset: string): void;
  /** Could not dead-letter or park (Kafka or Postgres down): tried again, uncommitted until it is written. */
  abandoned?(record: RecordContext, error: unknown): void;
}

/** How long a key may keep failing before it is parked (both limits apply; the first reached wins). */
export interface RetryBudget extends BackoffPolicy {
  maxAttempts: number;
  maxElapsedMs: number;
}

export interface ConsumerOptions<E extends { type: string }, D> {
  kafka: Kafka;
  codec: SchemaCodec;
  groupId: string;
  topics: string[];
  handlers?: NoInfer<HandlerMap<E, D>>;
  /** Replaces `handlers`: the whole batch at once. */
  batchHandler?: NoInfer<BatchHandler<E, D>>;
  deps: D;
  /** Validates a decoded value at the boundary; a throw sends the record to the dead-letter topic. */
  parse: (value: unknown) => E;
  /** Defaults to `<groupId>.dlq`; it must exist (declare it with the service's topics). */
  deadLetterTopic?: string;
  fromBeginning?: boolean;
  retry?: Partial<RetryBudget>;
  classify?: (error: unknown) => FailureDisposition;
  /** Records of different keys in flight at once, across every partition of this member. */
  maxConcurrency?: number;
  sessionTimeoutMs?: number;
  /** How often each owned partition's progress is committed. */
  commitIntervalMs?: number;
  /** Where keys that exhausted their retry budget wait. Without one they are dead-lettered instead. */
  parking?: ParkingStore;
  /** How often parked keys are tried again. */
  parkedRetryIntervalMs?: number;
  /** Auth-paused consumption probes the failing record this often. */
  pauseProbeMs?: number;
  observer?: ConsumerObserver;
}

export interface RunningConsumer {
  groupId: string;
  /**
   * Stops fetching, lets handlers in flight finish until `deadlineMs` (default 10 s) and commits what finished;
   * handlers still running then are abandoned uncommitted (the group hands their records out again).
   */
  stop(deadlineMs?: number): Promise<void>;
  /** Tries the parked records of `key` now, in order (an operator's release). Resolves true when all ran. */
  releaseParked(key: string): Promise<boolean>;
}
