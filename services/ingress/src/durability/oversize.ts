import { createHash } from 'node:crypto';
import type { OutgoingRecord } from '@df/kafka';

// The wire format's magic byte and schema id, record framing and a margin for headers Kafka adds.
const RECORD_OVERHEAD_BYTES = 512;
const TRUNCATED = '… [truncated: the whole text is in the raw body kept aside]';

export function recordBytes(record: OutgoingRecord): number {
  return (
    RECORD_OVERHEAD_BYTES +
    Buffer.byteLength(JSON.stringify(record.value)) +
    Buffer.byteLength(record.key) +
    Buffer.byteLength(JSON.stringify(record.headers ?? {}))
  );
}

/** The raw body of an event kept in Postgres instead of inside the event, as the JSON text hashed. */
export interface RawAside {
  eventId: string;
  text: string;
}

export type Fitted =
  | { fits: true; record: OutgoingRecord; bytes: number; rawAside?: RawAside }
  | { fits: false; bytes: number; reason: string };

type Envelope = { id: string; raw?: unknown; data?: unknown };

/**
 * Makes an event fit under the largest record the ingress publishes, deliberately:
 * 1. the raw webhook body (kept for replay) moves to Postgres under the event id, and the event carries a
 *    pointer with its size and SHA-256 (a long call transcription is in both the raw body and the data);
 * 2. if the data alone is still too large, its longest texts are cut, each marked, longest first: the event
 *    is still delivered, and the whole text stays in the raw body kept aside.
 * Only an event too large even then (thousands of fields) cannot be published.
 */
export function fitRecord(record: OutgoingRecord, maxBytes: number): Fitted {
  const bytes = recordBytes(record);
  if (bytes <= maxBytes) return { fits: true, record, bytes };
  const envelope = record.value as Envelope;
  const text = JSON.stringify(envelope.raw ?? null);
  const truncated: string[] = [];
  const pointer = {
    setAside: 'ingress_raw_bodies',
    eventId: envelope.id,
    bytes: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
    truncated,
  };
  let value: Envelope = { ...envelope, raw: pointer };
  let size = recordBytes({ ...record, value });
  for (const { path, length } of longestTexts(value.data)) {
    if (size <= maxBytes) break;
    const keep = Math.max(0, length - (size - maxBytes) - TRUNCATED.length - 64);
    value = { ...value, data: cut(value.data, path, keep) };
    truncated.push(['data', ...path].join('.'));
    size = recordBytes({ ...record, value });
  }
  if (size > maxBytes) {
    return {
      fits: false,
      bytes,
      reason: `too large: ${size} bytes without its raw body and long texts, over INGRESS_MAX_RECORD_BYTES (${maxBytes})`,
    };
  }
  return { fits: true, record: { ...record, value }, bytes: size, rawAside: { eventId: envelope.id, text } };
}

/** Paths of the strings in `data` longer than 1 KiB, longest first. */
function longestTexts(data: unknown, path: string[] = []): Array<{ path: string[]; length: number }> {
  if (typeof data === 'string') return data.length > 1024 ? [{ path, length: data.length }] : [];
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data)
    .flatMap(([key, child]) => longestTexts(child, [...path, key]))
    .sort((a, b) => b.length - a.length);
}

function cut(data: unknown, path: string[], keep: number): unknown {
  if (path.length === 0) return `${(data as string).slice(0, keep)}${TRUNCATED}`;
  const [head, ...rest] = path;
  const copy = Array.isArray(data) ? [...data] : { ...(data as Record<string, unknown>) };
  (copy as Record<string, unknown>)[head!] = cut((data as Record<string, unknown>)[head!], rest, keep);
  return copy;
}
