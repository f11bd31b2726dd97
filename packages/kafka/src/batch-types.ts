import type { KafkaMessage } from 'kafkajs';
import type { RecordContext } from './consumer-types.ts';
import type { InFlight } from './in-flight.ts';
import type { KeyScheduler } from './key-scheduler.ts';
import type { PartitionState } from './partition-state.ts';
import type { RecordProcessor } from './record-processor.ts';

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

/** A fetched record with what the runner derives from it once. */
export interface Item {
  message: KafkaMessage;
  record: RecordContext;
  key: string;
}
