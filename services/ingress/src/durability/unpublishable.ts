// Kafka answers these for a record itself, whatever the broker's health: sending it again fails the same way.
const RECORD_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/** A value its topic's contract refuses: publishing it would hand consumers a shape they cannot read. */
export class SchemaInvalidRecord extends Error {
  constructor(readonly issues: string) {
    super(`schema-invalid: ${issues}`);
    this.name = 'SchemaInvalidRecord';
  }
}

/** A topic no contract is declared for (e.g. a record spooled before a `TOPIC_PREFIX` change). */
export class UndeclaredTopic extends Error {
  constructor(topic: string) {
    super(`no contract is declared for topic ${topic}`);
    this.name = 'UndeclaredTopic';
  }
}

/** An error and what it wraps: `cause`, or kafkajs's `originalError` (its retrier wraps the last failure). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
}

/** Kafka does not know the topic: transient while it is being created, a reason to set aside if it lasts. */
export function isMissingTopic(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e.type === 'TOPIC_AUTHORIZATION_FAILED') return true;
  }
  return false;
}

/**
 * Why a record can never be published as it is, or undefined when the failure is about Kafka or the registry
 * being unavailable (then the record waits in the spool and is tried again).
 */
export function unpublishableReason(error: unknown): string | undefined {
  for (const e of chain(error)) {
    if (e instanceof SchemaInvalidRecord || e instanceof UndeclaredTopic) return e.message;
    if (typeof e.type === 'string' && RECORD_ERRORS.has(e.type)) return `kafka refused the record: ${e.type}`;
  }
  return undefined;
}
