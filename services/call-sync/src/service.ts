import { ContactMapped, EventEnvelope, TOPICS } from '@df/contracts';
import type { Handler, HandlerMap } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type ServiceMetrics,
} from '@df/service-runtime';
import { projectContactMapped } from './contacts.ts';
import { CallNoteFlusher, type FlushConfig } from './flusher.ts';
import { recordCallEvent } from './record-call-event.ts';
import type { CallTools } from './tools.ts';

export const CALL_SYNC_GROUP = 'call-sync';

export const CALL_EVENT_TYPES = [
  'call.initiated',
  'call.completed',
  'call.missed',
  'call.failed',
  'call.disposed',
  'call.recording_saved',
  'call.voicemail_saved',
  'call.transcription_saved',
  'call.summarized',
] as const;

export const DEFAULT_FLUSH_CONFIG: FlushConfig = {
  quietMs: 1500,
  maxDelayMs: 10_000,
  timeZone: 'America/New_York',
};

export interface RunningCallSync {
  flusher: CallNoteFlusher;
  stop(deadlineMs?: number): Promise<void>;
}

type CallEvent = Extract<EventEnvelope, { type: (typeof CALL_EVENT_TYPES)[number] }>;
/** Aloware's events, and contact-sync's facts about who is who (`contact.mapped`). */
type CallSyncRecord = EventEnvelope | ContactMapped;

function parseRecord(value: unknown): CallSyncRecord {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'contact.mapped' ? ContactMapped.parse(value) : EventEnvelope.parse(value);
}

/**
 * The consumer only folds records into call-sync's own tables: calls into `call_notes` (GHL is written by the
 * flusher), contact-sync's mappings into `call_sync_contacts` (read by the flusher instead of contact-sync's table).
 */
function callHandlers(): HandlerMap<CallSyncRecord, Infrastructure> {
  const record: Handler<CallEvent, Infrastructure> = (event, infra) => recordCallEvent(event, infra.db);
  return {
    ...Object.fromEntries(CALL_EVENT_TYPES.map((type) => [type, record])),
    'contact.mapped': (fact: ContactMapped, infra: Infrastructure) => projectContactMapped(fact, infra.db),
  };
}

/** call-sync: its own consumer group on Aloware's call events, and the flusher that writes notes to GHL. */
export async function startCallSync(
  infra: Infrastructure,
  tools: CallTools,
  config: FlushConfig = DEFAULT_FLUSH_CONFIG,
  metrics?: ServiceMetrics,
  tuning?: ConsumerTuning,
): Promise<RunningCallSync> {
  const definition = defineConsumer<CallSyncRecord, Infrastructure>({
    group: CALL_SYNC_GROUP,
    topics: [TOPICS.aloware, TOPICS.contactMappings],
    parse: parseRecord,
    handlers: callHandlers(),
    deps: ({ infra }) => infra,
    maxConcurrency: 16,
  });
  const running = await definition.start(infra, {
    ...(metrics ? { metrics } : {}),
    ...(tuning ? { tuning } : {}),
  });
  const flusher = new CallNoteFlusher({
    db: infra.db,
    tools,
    config,
    log: infra.log.child({ service: CALL_SYNC_GROUP }),
    report: (cause, outcome) => running.reporter.report(cause, outcome),
  });
  flusher.start();
  return {
    flusher,
    // Intake first, then the flusher (it may still report outcomes), then the outcome producer.
    async stop(deadlineMs) {
      await running.consumer.stop(deadlineMs);
      await flusher.stop();
      await running.reporter.close();
    },
  };
}
