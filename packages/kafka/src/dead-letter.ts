import type { IHeaders } from 'kafkajs';
import type { RecordContext } from './consumer-types.ts';
import { failureReason } from './errors.ts';
import type { EventProducer } from './producer.ts';

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  group: 'dlq-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * Writes a record to the group's dead-letter topic unchanged (so it can be redriven as it was), with the
 * reason and where it came from in headers. The error text is the exception's message, which by house rule
 * never carries payloads or secrets.
 */
export async function writeDeadLetter(
  producer: EventProducer,
  where: { topic: string; group: string },
  original: { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders },
  record: RecordContext,
  error: unknown,
  reason = failureReason(error),
): Promise<string> {
  const detail = error instanceof Error ? error.message : String(error);
  await producer.publishRaw(where.topic, [
    {
      key: original.key,
      value: original.value,
      headers: {
        ...original.headers,
        [DEAD_LETTER_HEADERS.reason]: reason,
        [DEAD_LETTER_HEADERS.error]: detail.slice(0, 1000),
        [DEAD_LETTER_HEADERS.topic]: record.topic,
        [DEAD_LETTER_HEADERS.partition]: String(record.partition),
        [DEAD_LETTER_HEADERS.offset]: record.offset,
        [DEAD_LETTER_HEADERS.group]: where.group,
        [DEAD_LETTER_HEADERS.attempts]: String(record.attempt),
        [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
      },
    },
  ]);
  return reason;
}
