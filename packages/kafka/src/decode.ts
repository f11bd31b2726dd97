import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { RecordContext } from './consumer-types.ts';
import { PermanentError, RetriableError } from './errors.ts';
import type { SchemaCodec } from './registry.ts';

/**
 * Bytes without the wire format's magic byte, or naming a schema id the registry does not know, will never
 * decode: dead-letter them. Anything else (registry unreachable, 5xx) is worth another attempt.
 */
function undecodable(error: unknown): Error {
  const e = error as { name?: string; status?: number; message?: string };
  if (e.name === 'ConfluentSchemaRegistryArgumentError' || e.status === 404) {
    return new PermanentError('undecodable', `value could not be decoded: ${e.message}`);
  }
  return new RetriableError(`schema registry unavailable: ${e.message}`, { cause: error });
}

/** Decodes and validates one record's value; throws a classified error when it cannot. */
export async function decodeValue<E>(
  value: Buffer | null,
  codec: SchemaCodec,
  parse: (value: unknown) => E,
): Promise<E> {
  if (value === null) throw new PermanentError('empty-record', 'record has no value');
  let decoded: unknown;
  try {
    decoded = await codec.unframe(value);
  } catch (error) {
    throw undecodable(error);
  }
  try {
    return parse(decoded);
  } catch (error) {
    throw new PermanentError('schema-invalid', (error as Error).message);
  }
}

export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

export function recordContext(topic: string, partition: number, message: KafkaMessage): RecordContext {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    headers: headersAsText(message.headers),
    attempt: 1,
  };
}

/** Records without a key have no order to keep: each is its own key. */
export function orderingKey(record: RecordContext): string {
  return record.key ?? `\u0000${record.topic}/${record.partition}@${record.offset}`;
}
