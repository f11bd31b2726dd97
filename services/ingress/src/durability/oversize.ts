import { createHash } from 'node:crypto';
import type { OutgoingRecord } from '@df/kafka';

// The wire format's magic byte and schema id, record framing and a margin for headers Kafka adds.
const RECORD_OVERHEAD_BYTES = 512;

export function recordBytes(record: OutgoingRecord): number {
  return (
    RECORD_OVERHEAD_BYTES +
    Buffer.byteLength(JSON.stringify(record.value)) +
    Buffer.byteLength(record.key) +
    Buffer.byteLength(JSON.stringify(record.headers ?? {}))
  );
}

export type Fitted =
  | {
      fits: true;
      record: OutgoingRecord;
      bytes: number;
      rawAside?: { eventId: string; body: unknown; bytes: number };
    }
  | { fits: false; bytes: number; reason: string };

/**
 * Makes an event fit under the largest record the ingress publishes. The raw webhook body travels inside the
 * event for replay; when it makes the record too large (a long call transcription is both in the raw body
 * and in the normalized data) the raw body is kept aside in Postgres under the event id and the event carries
 * a pointer with its size and hash instead. An event too large even without it cannot be published at all.
 */
export function fitRecord(record: OutgoingRecord, maxBytes: number): Fitted {
  const bytes = recordBytes(record);
  if (bytes <= maxBytes) return { fits: true, record, bytes };
  const envelope = record.value as { id: string; raw?: unknown };
  const rawText = JSON.stringify(envelope.raw ?? null);
  const pointer = {
    setAside: 'ingress_raw_bodies',
    eventId: envelope.id,
    bytes: Buffer.byteLength(rawText),
    sha256: createHash('sha256').update(rawText).digest('hex'),
  };
  const trimmed = { ...record, value: { ...envelope, raw: pointer } };
  const trimmedBytes = recordBytes(trimmed);
  if (trimmedBytes > maxBytes) {
    return {
      fits: false,
      bytes,
      reason: `too large: ${trimmedBytes} bytes without its raw body, over INGRESS_MAX_RECORD_BYTES (${maxBytes})`,
    };
  }
  return {
    fits: true,
    record: trimmed,
    bytes: trimmedBytes,
    rawAside: { eventId: envelope.id, body: envelope.raw, bytes: pointer.bytes },
  };
}
