import { randomUUID } from 'node:crypto';
import { type EventDraft, type EventEnvelope, recordKey, toEnvelope, topicForSource } from '@df/contracts';
import type { Context } from 'koa';
import type { Delivery, DeliveryOutcome, DurablePublisher } from '../durability/durable-publisher.ts';
import type { IngressMetrics } from '../metrics.ts';

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
  const envelopes = drafts.map((draft) =>
    toEnvelope(draft, { id: randomUUID(), source, receivedAt, correlationId: meta.correlationId, raw }),
  );
  const topic = `${meta.topicPrefix}${topicForSource(source)}`;
  return {
    envelopes,
    delivery: {
      source,
      // One delivery may carry several events (an SMS and the opt-out it expresses); the first one names it
      // (for GHL that is its `webhookId`).
      dedupeKey: drafts[0]!.dedupeKey,
      topic,
      eventIds: envelopes.map((e) => e.id),
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

/** Publishes (or spools) the delivery and answers: 200 published, 202 spooled, 200 duplicate. */
export interface DeliveryDeps {
  publisher: DurablePublisher;
  metrics: IngressMetrics;
  topicPrefix: string;
}

export async function acceptDelivery(
  ctx: Context,
  { publisher, metrics, topicPrefix }: DeliveryDeps,
  source: WebhookSource,
  drafts: EventDraft[],
  raw: unknown,
): Promise<DeliveryOutcome | 'empty'> {
  if (drafts.length === 0) {
    metrics.ignored.inc({ source, reason: 'no_events' });
    ctx.status = 200;
    ctx.body = { accepted: 0 };
    return 'empty';
  }
  const correlationId = correlationIdOf(ctx);
  const traceparent = ctx.get('traceparent') || undefined;
  const { delivery, envelopes } = toDelivery(source, drafts, raw, {
    topicPrefix,
    correlationId,
    traceparent,
  });
  const outcome = await publisher.accept(delivery);
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
    durable: outcome === 'published' ? 'kafka' : 'spool',
    events: envelopes.map((e) => ({ id: e.id, type: e.type })),
  };
  return outcome;
}
