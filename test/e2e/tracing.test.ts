import { InMemorySpanExporter, type ReadableSpan, startTracing, type Tracing } from '@df/tracing';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

// The whole system runs in this process: every service's spans end in this exporter, as they would in one
// collector.
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing('e2e', undefined, { exporter });
});
afterAll(() => tracing.shutdown());

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const PHONE = '+12025550188';
const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The webhook span of `route`, the contact-sync span under it, and the calls to `tool` under that one. */
function chainFrom(route: string, tool: string) {
  for (const webhook of spans().filter((s) => s.kind === SpanKind.SERVER && s.name === `POST ${route}`)) {
    const { traceId, spanId } = webhook.spanContext();
    const trace = spans().filter((s) => s.spanContext().traceId === traceId);
    const consumer = trace.find(
      (s) =>
        s.kind === SpanKind.CONSUMER &&
        parentOf(s) === spanId &&
        String(s.attributes['messaging.consumer.group.name']).endsWith('contact-sync'),
    );
    if (!consumer) continue;
    const calls = trace.filter(
      (s) =>
        s.kind === SpanKind.CLIENT &&
        s.attributes['df.tool'] === tool &&
        parentOf(s) === consumer.spanContext().spanId,
    );
    if (calls.length > 0) return { webhook, consumer, calls, trace };
  }
  return undefined;
}

describe('traces (real Kafka, registry, Postgres; simulated tools; in-memory exporter)', () => {
  it('one trace from the webhook through Kafka to contact-sync and its tool calls, both ways and on request', async () => {
    system = await startTestSystem();
    const s = system;
    s.simulators!.aloware.createContact({ phone_number: PHONE, first_name: 'Ada', email: 'ada@example.com' });

    // Aloware's webhook → ingress → aloware topic → contact-sync → GHL.
    const fromAloware = await waitFor('the Aloware webhook traced to the GHL call', () =>
      chainFrom('/webhooks/aloware', 'ghl'),
    );
    expect(fromAloware.webhook.attributes).toMatchObject({
      'http.route': '/webhooks/aloware',
      'df.source': 'aloware',
      'http.response.status_code': 200,
    });
    expect(fromAloware.webhook.attributes['df.event_types']).toContain('contact.created');
    expect(fromAloware.consumer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': expect.stringMatching(/aloware/),
      'df.event_type': 'contact.created',
      'df.attempt': 1,
    });
    expect(fromAloware.consumer.attributes['messaging.destination.partition.id']).toMatch(/^\d+$/);
    for (const call of fromAloware.calls) {
      expect(call.attributes['df.operation']).toEqual(expect.any(String));
      expect(call.attributes['http.response.status_code']).toBeLessThan(300);
      expect(String(call.attributes['url.full'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[^?]*$/);
    }

    // A user edits the contact in GHL: GHL's webhook → ingress → ghl topic → contact-sync → Aloware.
    const ghlId = await waitFor(
      'the GHL contact',
      () => s.simulators!.ghl.contacts().find((c) => c.phone === PHONE)?.id,
    );
    s.simulators!.ghl.editContact(ghlId, { firstName: 'Augusta' });
    const fromGhl = await waitFor('the GHL webhook traced to the Aloware call', () =>
      chainFrom('/webhooks/ghl', 'aloware'),
    );
    expect(fromGhl.webhook.attributes['df.source']).toBe('ghl');
    expect(fromGhl.consumer.attributes['df.event_type']).toBe('contact.updated');
    expect(fromGhl.webhook.spanContext().traceId).not.toBe(fromAloware.webhook.spanContext().traceId);

    // An operator's request is traced the same way: POST /sync/contacts → commands → contact-sync → the tools.
    const asked = await fetch(`${s.ingressUrl}/sync/contacts?phone=${encodeURIComponent(PHONE)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}` },
    });
    expect(asked.status).toBe(202);
    const fromOperator = await waitFor('the operator request traced to a tool call', () =>
      chainFrom('/sync/contacts', 'ghl'),
    );
    expect(fromOperator.webhook.attributes).toMatchObject({
      'df.source': 'operator',
      'http.response.status_code': 202,
    });
    expect(fromOperator.consumer.attributes['df.event_type']).toBe('contact.sync_requested');

    // Aloware's API token travels in its query string; neither it, the phone, names nor e-mails are on a span.
    const recorded = JSON.stringify(spans().map((span) => [span.name, span.attributes]));
    expect(recorded).not.toContain('api_token');
    expect(recorded).not.toContain('2025550188');
    expect(recorded).not.toContain('Augusta');
    expect(recorded).not.toContain('ada@example.com');
  });
});
