import { TOPICS } from '@df/contracts';
import { createTestDatabase, waitFor } from '@df/test-kit';
import { InMemorySpanExporter, startTracing, type Tracing } from '@df/tracing';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALOWARE_PASS, ALOWARE_USER, basicAuth, startTestIngress } from './ingress-harness.ts';

// Nothing listens on port 1: a Kafka that is down, for real, as far as kafkajs can tell.
const UNREACHABLE_KAFKA = ['127.0.0.1:1'];
const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };
const PHONE = '+12025550177';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing('ingress-test', undefined, { exporter });
});
afterAll(() => tracing.shutdown());

const webhookSpans = () =>
  exporter
    .getFinishedSpans()
    .filter((s) => s.kind === SpanKind.SERVER && s.name === 'POST /webhooks/aloware');

describe('ingress tracing', () => {
  it("a spooled delivery keeps its webhook span's trace context, and the drained record carries it", async () => {
    const database = await createTestDatabase();
    const down = await startTestIngress({}, { kafkaBrokers: UNREACHABLE_KAFKA, database });
    const update = {
      event: 'Contact Updated',
      body: { id: 1550977, company_id: 7001, first_name: 'Ada', phone_number: PHONE },
    };
    try {
      const response = await down.post('/webhooks/aloware', update, aloware);
      expect(response.status).toBe(202);
    } finally {
      await down.close();
    }
    const [span] = webhookSpans();
    expect(span).toBeDefined();
    expect(span!.attributes).toMatchObject({
      'http.route': '/webhooks/aloware',
      'df.source': 'aloware',
      'http.response.status_code': 202,
      'df.event_types': ['contact.updated'],
    });
    const traceparent = `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`;
    const [row] = await database.db.selectFrom('ingress_spool').select('headers').execute();
    expect(row!.headers.traceparent).toBe(traceparent);

    const back = await startTestIngress({ topicPrefix: down.config.topicPrefix }, { database });
    try {
      const [record] = await waitFor('the spool to drain', async () => {
        const stored = await back.events(TOPICS.aloware);
        return stored.length > 0 ? stored : undefined;
      });
      expect(record!.headers.traceparent).toBe(traceparent);
    } finally {
      await back.close();
      await database.drop();
    }
    // Neither the body nor the phone is on any span.
    const recorded = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(recorded).not.toContain('2025550177');
    expect(recorded).not.toContain('Ada');
  });

  it('a refused delivery is a span with its 401 and no event types', async () => {
    exporter.reset();
    const ingress = await startTestIngress();
    try {
      const response = await ingress.post('/webhooks/aloware', { event: 'Contact Updated', body: {} });
      expect(response.status).toBe(401);
    } finally {
      await ingress.close();
    }
    const [span] = webhookSpans();
    expect(span!.attributes['http.response.status_code']).toBe(401);
    expect(span!.attributes['df.event_types']).toBeUndefined();
  });
});
