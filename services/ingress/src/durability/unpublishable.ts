// Kafka answers these for a record itself, whatever the broker's health: sending it again fails the same way.
const RECORD_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

/** A value its topic's contract refuses: publishing it would hand consumers a shape they cannot read. */
export class SchemaInvalidRecord extends Error {
  constructor(readonly issues: string) {
    super(`schema-invalid: ${issues}`);
    this.name = 'SchemaInvalidRecord';
  }
}

/**
 * Why a record can never be published as it is, or undefined when the failure is about Kafka or the registry
 * being unavailable (then the record waits in the spool and is tried again).
 */
export function unpublishableReason(error: unknown): string | undefined {
  for (let e = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const { name, type, paths, message } = e as {
      name?: string;
      type?: string;
      paths?: unknown;
      message?: string;
    };
    if (e instanceof SchemaInvalidRecord) return e.message;
    if (name === 'ConfluentSchemaRegistryValidationError') {
      return `schema-invalid: ${JSON.stringify(paths ?? message).slice(0, 500)}`;
    }
    if (type && RECORD_ERRORS.has(type)) return `kafka refused the record: ${type}`;
  }
  return undefined;
}
