import { OffsetTracker } from './offset-tracker.ts';

/** What this member knows about one partition it owns, for one group generation. */
export interface PartitionState {
  topic: string;
  partition: number;
  generation: number;
  tracker: OffsetTracker;
  /** Keys known to be parked (the table is asked once per batch; parks made here are added at once). */
  parked: Set<string>;
  /** Keys with a record left unfinished (stop, rebalance): nothing more of them runs in this generation. */
  blocked: Set<string>;
  /** Records per key handed to the scheduler and not finished. */
  pendingByKey: Map<string, number>;
}

/**
 * The partitions of the current generation. A rebalance makes every state stale at once: their work may
 * finish, but nothing is committed from them (the partition may belong to another member now).
 */
export class PartitionStates {
  private readonly states = new Map<string, PartitionState>();

  for(topic: string, partition: number, generation: number): PartitionState {
    const id = `${topic}\u0000${partition}`;
    let state = this.states.get(id);
    if (!state || state.generation !== generation) {
      state = {
        topic,
        partition,
        generation,
        tracker: new OffsetTracker(),
        parked: new Set(),
        blocked: new Set(),
        pendingByKey: new Map(),
      };
      this.states.set(id, state);
    }
    return state;
  }

  current(generation: number): PartitionState[] {
    return [...this.states.values()].filter((s) => s.generation === generation);
  }

  clear(): void {
    this.states.clear();
  }
}
