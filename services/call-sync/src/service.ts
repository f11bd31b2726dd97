import { EventEnvelope, TOPICS } from '@df/contracts';
import type { Handler, HandlerMap } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type ServiceMetrics,
} from '@df/service-runtime';
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

/** The consumer only folds events into `call_notes`; GHL is written by the flusher. */
function callHandlers(): HandlerMap<EventEnvelope, Infrastructure> {
  const record: Handler<CallEvent, Infrastructure> = (event, infra) => recordCallEvent(event, infra.db);
  return Object.fromEntries(CALL_EVENT_TYPES.map((type) => [type, record]));
}

/** call-sync: its own consumer group on Aloware's call events, and the flusher that writes notes to GHL. */
export async function startCallSync(
  infra: Infrastructure,
  tools: CallTools,
  config: FlushConfig = DEFAULT_FLUSH_CONFIG,
  metrics?: ServiceMetrics,
  tuning?: ConsumerTuning,
): Promise<RunningCallSync> {
  const definition = defineConsumer<EventEnvelope, Infrastructure>({
    group: CALL_SYNC_GROUP,
    topics: [TOPICS.aloware],
    parse: (value) => EventEnvelope.parse(value),
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
