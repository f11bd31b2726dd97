import { EventEnvelope, TOPICS } from '@df/contracts';
import { type Handler, startConsumer } from '@df/kafka';
import { type Infrastructure, OutcomeReporter, type ServiceMetrics } from '@df/service-runtime';
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
  stop(): Promise<void>;
}

/** call-sync: its own consumer group on Aloware's call events, and the flusher that writes notes to GHL. */
export async function startCallSync(
  infra: Infrastructure,
  tools: CallTools,
  config: FlushConfig = DEFAULT_FLUSH_CONFIG,
  metrics?: ServiceMetrics,
): Promise<RunningCallSync> {
  const p = infra.topicPrefix;
  const outcomes = new OutcomeReporter(infra, CALL_SYNC_GROUP);
  const record: Handler<EventEnvelope, Infrastructure> = (event, deps) => recordCallEvent(event, deps.db);
  const consumer = await startConsumer({
    kafka: infra.kafka,
    codec: infra.codec,
    groupId: `${p}${CALL_SYNC_GROUP}`,
    deadLetterTopic: `${p}${CALL_SYNC_GROUP}.dlq`,
    topics: [`${p}${TOPICS.aloware}`],
    parse: (value: unknown) => EventEnvelope.parse(value),
    handlers: Object.fromEntries(CALL_EVENT_TYPES.map((type) => [type, record])),
    deps: infra,
    maxConcurrency: 16,
    observer: metrics?.consumer(CALL_SYNC_GROUP),
  });
  const flusher = new CallNoteFlusher({
    db: infra.db,
    tools,
    config,
    log: infra.log.child({ service: CALL_SYNC_GROUP }),
    report: (cause, outcome) => outcomes.report(cause, outcome),
  });
  flusher.start();
  return {
    flusher,
    async stop() {
      await consumer.stop();
      await flusher.stop();
      await outcomes.close();
    },
  };
}
