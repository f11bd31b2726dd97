import type { LogRecord, SchemaCodec } from '@df/kafka';

/**
 * A stored record's value, or undefined when it can never be read (no value, not in the wire format, a schema
 * the registry does not know): what the live consumers dead-letter. A registry out of reach is thrown, so a
 * job fails rather than skip what it could have read.
 */
export async function readValue(codec: SchemaCodec, record: LogRecord): Promise<unknown> {
  if (record.value === null) return undefined;
  try {
    return await codec.unframe(record.value);
  } catch (error) {
    const e = error as { name?: string; status?: number };
    if (e.name === 'ConfluentSchemaRegistryArgumentError' || e.status === 404) return undefined;
    throw error;
  }
}
