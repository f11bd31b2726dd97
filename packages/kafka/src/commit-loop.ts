import type { Consumer } from 'kafkajs';
import type { ConsumerObserver } from './consumer-types.ts';
import type { PartitionStates } from './partition-state.ts';

export interface CommitLoopSettings {
  consumer: Consumer;
  partitions: PartitionStates;
  /** The current group generation, and whether a rebalance has begun since it started. */
  generation: () => number;
  rebalancing: () => boolean;
  onRebalance: () => void;
  observer: ConsumerObserver;
  intervalMs: number;
}

/**
 * Commits, per owned partition, the offset below which everything is done: on a timer (one round at a time),
 * and once more on demand when stopping. Only partitions of the current generation, and none once a rebalance
 * has begun: what a revoked partition finished belongs to its next owner, who will see it again.
 */
export function startCommitLoop(settings: CommitLoopSettings) {
  const { consumer, partitions, observer } = settings;
  let committing: Promise<void> = Promise.resolve();
  const commitNow = () => {
    committing = committing.then(async () => {
      for (const state of partitions.current(settings.generation())) {
        if (settings.rebalancing()) return;
        const offset = state.tracker.takeCommittable();
        if (offset === null) continue;
        try {
          await consumer.commitOffsets([{ topic: state.topic, partition: state.partition, offset }]);
          observer.committed?.(state.topic, state.partition, offset);
        } catch (error) {
          // Refused for a stale generation or mid-rebalance: that progress belongs to the next owner now.
          settings.onRebalance();
          observer.abandoned?.(
            { topic: state.topic, partition: state.partition, offset, key: null, headers: {}, attempt: 1 },
            error,
          );
        }
      }
    });
    return committing;
  };
  const timer = setInterval(commitNow, settings.intervalMs);
  return {
    commitNow,
    /** Stops the timer and makes a last round. */
    async stop() {
      clearInterval(timer);
      await commitNow();
    },
  };
}
