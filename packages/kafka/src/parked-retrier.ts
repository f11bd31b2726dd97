import { backoffDelay } from './backoff.ts';
import { decodeValue } from './decode.ts';
import type { RecordProcessor } from './record-processor.ts';
import { sleep } from './sleep.ts';

/**
 * Tries parked keys again on their schedule: a key's records run in order, each removed once it ran; a
 * permanent failure dead-letters that record and the next one runs; a retriable one reschedules the key with
 * a growing delay. Any member of the group may pick a due key (claimed, so only one at a time).
 */
export class ParkedRetrier<E extends { type: string }, D> {
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly processor: RecordProcessor<E, D>,
    private readonly signal: AbortSignal,
  ) {}

  start(): void {
    const { parking, parkedRetry } = this.processor.settings;
    if (!parking) return;
    const pollMs = Math.min(parkedRetry.baseMs, 5000);
    this.loop = (async () => {
      while (!this.signal.aborted) {
        await sleep(pollMs, this.signal);
        if (this.signal.aborted) break;
        const keys = await parking
          .claimDue(this.processor.settings.group, 20, 60_000)
          .catch(() => [] as string[]);
        for (const key of keys) await this.retryKey(key).catch(() => false);
      }
    })();
  }

  stopped(): Promise<void> {
    return this.loop;
  }

  /** Runs the key's parked records in order; true when none is left waiting. */
  async retryKey(key: string): Promise<boolean> {
    const { parking, group, codec, parse, classify, parkedRetry } = this.processor.settings;
    if (!parking) return true;
    for (;;) {
      const records = await parking.recordsOf(group, key);
      if (records.length === 0) return true;
      for (const parked of records) {
        if (this.signal.aborted) return false;
        const record = {
          topic: parked.topic,
          partition: parked.partition,
          offset: parked.offset,
          key: parked.key,
          headers: parked.headers,
          attempt: parked.attempts + 1,
        };
        try {
          await this.processor.handle(await decodeValue(parked.value, codec, parse), record);
        } catch (error) {
          if (classify(error) === 'dead-letter') {
            await this.processor.deadLetter(
              { key: parked.key, value: parked.value, headers: parked.headers },
              record,
              error,
            );
          } else {
            const message = error instanceof Error ? error.message : String(error);
            const delay = await parking.reschedule(group, key, message, (n) => backoffDelay(n, parkedRetry));
            this.processor.settings.observer.retrying?.(record, error, delay);
            return false;
          }
        }
        await parking.remove(group, key, parked.id);
      }
    }
  }
}
