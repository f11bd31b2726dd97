import { EventEnvelope, type EventOfType, TOPICS } from '@df/contracts';
import type { HandlerMap } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type ServiceMetrics,
} from '@df/service-runtime';
import { applyConsent, replyToHelp } from './consent.ts';
import type { RelayConfig, RelayDeps } from './deps.ts';
import { applyGhlDnd } from './ghl-dnd.ts';
import { relayInbound } from './inbound.ts';
import { sendAgentText } from './outbound.ts';
import { relayReport } from './reports.ts';
import type { RelayTools } from './tools.ts';

export const MESSAGING_RELAY_GROUP = 'messaging-relay';

export function relayHandlers(): HandlerMap<EventEnvelope, RelayDeps> {
  const report = (event: EventOfType<'sms.sent' | 'sms.delivered' | 'sms.failed'>, deps: RelayDeps) =>
    relayReport(event, deps);
  return {
    'sms.received': relayInbound,
    'sms.send_requested': sendAgentText,
    'sms.sent': report,
    'sms.delivered': report,
    'sms.failed': report,
    'consent.opted_out': applyConsent,
    'consent.opted_in': applyConsent,
    'consent.help_requested': replyToHelp,
    'contact.dnd_changed': applyGhlDnd,
  };
}

export interface RunningMessagingRelay {
  stop(deadlineMs?: number): Promise<void>;
}

/** messaging-relay: its own consumer group on the texts and consent events of the three tools. */
export async function startMessagingRelay(
  infra: Infrastructure,
  tools: RelayTools,
  config: RelayConfig,
  options: { metrics?: ServiceMetrics; tuning?: ConsumerTuning } = {},
): Promise<RunningMessagingRelay> {
  const definition = defineConsumer<EventEnvelope, RelayDeps>({
    group: MESSAGING_RELAY_GROUP,
    topics: [TOPICS.texting, TOPICS.aloware, TOPICS.ghl],
    parse: (value) => EventEnvelope.parse(value),
    handlers: relayHandlers(),
    deps: ({ infra, report }) => ({ db: infra.db, tools, config, report }),
    // Each text waits on GHL or the texting system: many in flight keep the rate limit the bound.
    maxConcurrency: 32,
  });
  const running = await definition.start(infra, options);
  return { stop: (deadlineMs) => running.stop(deadlineMs) };
}
