export { AppLifecycleData } from './app.ts';
export { AppointmentData, UnknownData } from './appointment.ts';
export { CallData } from './call.ts';
export { Command, type CommandType } from './command.ts';
export { type ConsentAction, detectConsentKeyword } from './consent.ts';
export { ContactData } from './contact.ts';
export { ContactMapped, contactMappedId, contactMappedKey } from './contact-mapped.ts';
export {
  type DraftOfType,
  type EnvelopeMeta,
  EVENT_TYPES,
  EventDraft,
  EventEnvelope,
  type EventOfType,
  type EventType,
  recordKey,
  toEnvelope,
} from './events.ts';
export { renderSchemaDocument, type SchemaDocument, schemaDocuments } from './json-schemas.ts';
export { ConsentData, SmsData } from './messaging.ts';
export { nameUuid } from './name-uuid.ts';
export { NoteData } from './note.ts';
export { toE164 } from './phone.ts';
export { Direction, E164Phone, EntityType, EventSource, IsoDateTime, Tenant } from './scalars.ts';
export { SyncOutcome } from './sync-outcome.ts';
export {
  CONSUMER_GROUPS,
  type ConsumerGroup,
  deadLetterTopic,
  replayTopic,
  subjectFor,
  TOPIC_DECLARATIONS,
  TOPICS,
  type TopicDeclaration,
  type TopicName,
  topicForSource,
} from './topics.ts';
