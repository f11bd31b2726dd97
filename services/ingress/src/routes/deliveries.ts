import { randomUUID } from 'node:crypto';
import { type EventDraft, type EventEnvelope, recordKey, toEnvelope, topicForSource } from '@df/contracts';
import { traceHeaders } from '@df/kafka';
import type { Context } from 'koa';
import type { Delivery, DeliveryOutcome, DurablePublisher } from '../durability/durable-publisher.ts';
import { eventIdFor } from '../durability/event-ids.ts';
import type { IngressMetrics } from '../metrics.ts';
import { noteEventTypes } from './traced.ts';

type WebhookSource = 'aloware' | 'ghl' | 'texting';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it sent a sane one, else a new one: it follows the event everywhere. */
export function correlationIdOf(ctx: Context): string {
  const presented = ctx.get('x-correlation-id');
  return CORRELATION_ID.test(presented) ? presented : randomUUID();
}

/** Wraps a delivery's drafts into envelopes (ids, times, the raw body for replay) and Kafka records. */
export function toDelivery(
  source: WebhookSource,
  drafts: EventDraft[],
  raw: unknown,
  meta: {
    topicPrefix: string;
    correlationId: string;
    traceparent?: string;
    now?: Date;
  },
): { delivery: Delivery; envelopes: EventEnvelope[] } {
  const receivedAt = (meta.now ?? new Date()).toISOString();
  const envelopes = drafts.map((draft, index) =>
    toEnvelope(draft, {
      id: eventIdFor(draft.dedupeKey, index),
      source,
      receivedAt,
      correlationId: meta.correlationId,
      raw,
    }),
  );
  const topic = `${meta.topicPrefix}${topicForSource(source)}`;
  return {
    envelopes,
    delivery: {
      source,
      topic,
      records: envelopes.map((envelope) => ({
        key: recordKey(envelope),
        value: envelope,
        headers: {
          'x-correlation-id': meta.correlationId,
          'x-event-id': envelope.id,
          'x-event-type': envelope.type,
          ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
        },
      })),
    },
  };
}

export interface DeliveryDeps {
  publisher: DurablePublisher;
  metrics: IngressMetrics;
  topicPrefix: string;
}

const DURABLE_AS = { published: 'kafka', spooled: 'spool', set_aside: 'set_aside' } as const;

/**
 * Makes the delivery durable and answers: 200 published to Kafka, 202 kept in Postgres (spooled until Kafka
 * takes it, or set aside with the reason when it never can), 200 for a replay-guarded duplicate.
 */
export async function acceptDelivery(
  ctx: Context,
  { publisher, metrics, topicPrefix }: DeliveryDeps,
  source: WebhookSource,
  drafts: EventDraft[],
  raw: unknown,
  options: { replayGuard?: string } = {},
): Promise<DeliveryOutcome | 'empty'> {
  if (drafts.length === 0) {
    metrics.ignored.inc({ source, reason: 'no_events' });
    ctx.status = 200;
    ctx.body = { accepted: 0 };
    return 'empty';
  }
  const correlationId = correlationIdOf(ctx);
  // The webhook span's context when tracing is on; else a sender's traceparent passes through as it came.
  const traceparent = traceHeaders().traceparent ?? (ctx.get('traceparent') || undefined);
  noteEventTypes(drafts.map((d) => d.type));
  const { delivery, envelopes } = toDelivery(source, drafts, raw, {
    topicPrefix,
    correlationId,
    traceparent,
  });
  const outcome = await publisher.accept({ ...delivery, replayGuard: options.replayGuard });
  if (outcome === 'duplicate') {
    metrics.ignored.inc({ source, reason: 'duplicate' });
    ctx.status = 200;
    ctx.body = { accepted: 0, duplicate: true };
    return outcome;
  }
  metrics.accepted.inc({ source, outcome }, envelopes.length);
  ctx.status = outcome === 'published' ? 200 : 202;
  ctx.set('x-correlation-id', correlationId);
  ctx.body = {
    accepted: envelopes.length,
    durable: DURABLE_AS[outcome],
    events: envelopes.map((e) => ({ id: e.id, type: e.type })),
  };
  return outcome;
}
