export { type BackoffPolicy, backoffDelay } from './backoff.ts';
export { createKafka, type Kafka, type KafkaSettings } from './client.ts';
export {
  type ConsumerObserver,
  type ConsumerOptions,
  DEAD_LETTER_HEADERS,
  type Handler,
  type RecordContext,
  type RunningConsumer,
  startConsumer,
} from './consumer.ts';
export { type DeadLetter, listDeadLetters, redriveDeadLetters } from './dead-letters.ts';
export {
  classifyFailure,
  type FailureDisposition,
  failureReason,
  PermanentError,
  RetriableError,
} from './errors.ts';
export { committedOffsets, readTopic, type StoredRecord } from './inspect.ts';
export { EventProducer, type OutgoingRecord } from './producer.ts';
export { SchemaCodec } from './registry.ts';
export { stopOnSignals } from './shutdown.ts';
export { isKafkaReachable, provisionTopics, type TopicDeclaration } from './topics.ts';
