import type { ConsumerObserver, RecordContext } from '@df/kafka';
import type { Logger } from '@df/telemetry';

/** Where a record came from and its correlation id; never its value (payloads stay out of logs). */
function coordinates(record: RecordContext) {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key, // masked by the logger: keys carry phone numbers
    correlationId: record.headers['x-correlation-id'],
    attempt: record.attempt,
  };
}

// The logger keeps an Error's name, message, code, status and causes (describeError), never its payload.
const reasonOf = (error: unknown) => (error instanceof Error ? error : String(error));

/** Log lines for what an operator must know about: retries, parks, dead letters, auth pauses. */
export function loggingObserver(log: Logger): ConsumerObserver {
  return {
    retrying: (record, error, delayMs) =>
      log.warn('record failed, retrying', { ...coordinates(record), delayMs, error: reasonOf(error) }),
    parked: (record, reason, error) =>
      log.error('key parked', { ...coordinates(record), reason, error: reasonOf(error) }),
    deadLettered: (record, reason, error) =>
      log.error('record dead-lettered', { ...coordinates(record), reason, error: reasonOf(error) }),
    paused: (record, error) =>
      log.error('a tool refuses our credentials: consumption paused until it accepts them', {
        ...coordinates(record),
        error: reasonOf(error),
      }),
    resumed: () => log.info('credentials accepted again: consumption resumed'),
    abandoned: (record, error) =>
      log.warn('record left uncommitted, it will come back', {
        ...coordinates(record),
        error: reasonOf(error),
      }),
  };
}

/** Every hook of every observer, in order. */
export function combineObservers(...observers: Array<ConsumerObserver | undefined>): ConsumerObserver {
  const present = observers.filter((o): o is ConsumerObserver => o !== undefined);
  const all =
    <K extends keyof ConsumerObserver>(name: K) =>
    (...args: Parameters<NonNullable<ConsumerObserver[K]>>) => {
      for (const o of present) (o[name] as ((...a: typeof args) => void) | undefined)?.(...args);
    };
  return {
    handled: all('handled'),
    skipped: all('skipped'),
    retrying: all('retrying'),
    deadLettered: all('deadLettered'),
    parked: all('parked'),
    paused: all('paused'),
    resumed: all('resumed'),
    assigned: all('assigned'),
    committed: all('committed'),
    abandoned: all('abandoned'),
  };
}
