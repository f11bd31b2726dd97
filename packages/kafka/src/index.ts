export { type BackoffPolicy, backoffDelay } from './backoff.ts';
export { createKafka, type Kafka, type KafkaSettings } from './client.ts';
export { DEFAULT_RETRY_BUDGET, startConsumer } from './consumer.ts';
export type {
  BatchHandler,
  BatchItem,
  ConsumerObserver,
  ConsumerOptions,
  Handler,
  HandlerMap,
  RecordContext,
  RetryBudget,
  RunningConsumer,
} from './consumer-types.ts';
export { DEAD_LETTER_HEADERS } from './dead-letter.ts';
export {
  type DeadLetter,
  type DeadLetterFilter,
  listDeadLetters,
  matchesDeadLetterFilter,
  redriveDeadLetters,
} from './dead-letters.ts';
export {
  classifyFailure,
  type FailureDisposition,
  failureReason,
  PermanentError,
  RetriableError,
} from './errors.ts';
export { committedOffsets, readTopic, type StoredRecord } from './inspect.ts';
export {
  type LogPositions,
  type LogReader,
  type LogRecord,
  logEnds,
  logStarts,
  positionKey,
  startLogReader,
} from './log-reader.ts';
export type { ParkedRecord, ParkingStore, StoredParkedRecord } from './parking.ts';
export { EventProducer, type OutgoingRecord } from './producer.ts';
export { SchemaCodec } from './registry.ts';
export { stopOnSignals } from './shutdown.ts';
export { isKafkaReachable, provisionTopics, type TopicDeclaration } from './topics.ts';
export { traceHeaders } from './trace-context.ts';
