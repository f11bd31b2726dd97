import { InMemorySpanExporter, startTracing } from '@df/tracing';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { sendRequest, spanUrl } from '../src/index.ts';

const exporter = new InMemorySpanExporter();
const tracing = startTracing('tool-http-unit', undefined, { exporter });
afterAll(() => tracing.shutdown());

const answering = (status: number) => (async () => new Response('{}', { status })) as typeof fetch;
const failing = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;

describe('a tool call in a client span', () => {
  it("a span's URL has no query string and no phone or e-mail in its path", () => {
    expect(
      spanUrl('https://app.aloware.com/api/v1/webhook/contacts?api_token=s3cret&phone=%2B12025550100'),
    ).toBe('https://app.aloware.com/api/v1/webhook/contacts');
    expect(spanUrl(new URL('http://127.0.0.1:4030/v1/people/+12025550100/ada@example.com'))).toBe(
      'http://127.0.0.1:4030/v1/people/***0100/a***@example.com',
    );
    expect(spanUrl('/relative?api_token=s3cret')).toBe('invalid-url');
  });

  it('records tool, operation, method, status and resend count; an error answer or no answer marks it', async () => {
    exporter.reset();
    const base = {
      tool: 'aloware' as const,
      operation: 'contacts.update',
      url: 'http://127.0.0.1:4020/api/v1/contacts?api_token=s3cret',
      method: 'POST',
      headers: { authorization: 'Bearer s3cret' },
      body: '{"phone_number":"+12025550100"}',
      timeoutMs: 1000,
    };
    await sendRequest({ ...base, fetch: answering(200) });
    await sendRequest({ ...base, fetch: answering(429), resendCount: 2 });
    await expect(sendRequest({ ...base, fetch: failing })).rejects.toMatchObject({ code: 'network' });
    const [ok, limited, down] = exporter.getFinishedSpans();
    expect(ok!.kind).toBe(SpanKind.CLIENT);
    expect(ok!.name).toBe('aloware contacts.update');
    expect(ok!.attributes).toEqual({
      'df.tool': 'aloware',
      'df.operation': 'contacts.update',
      'http.request.method': 'POST',
      'url.full': 'http://127.0.0.1:4020/api/v1/contacts',
      'http.response.status_code': 200,
    });
    expect(ok!.status.code).toBe(0);
    expect(limited!.attributes).toMatchObject({
      'http.response.status_code': 429,
      'http.request.resend_count': 2,
    });
    expect(limited!.status).toMatchObject({ code: 2, message: '429' });
    expect(down!.status).toMatchObject({ code: 2, message: 'network' });
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toContain('s3cret');
  });
});
