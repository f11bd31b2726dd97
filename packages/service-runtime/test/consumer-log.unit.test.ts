import { createLogger } from '@df/telemetry';
import { describe, expect, it } from 'vitest';
import { loggingObserver } from '../src/consumer-log.ts';

describe('consumer log lines', () => {
  it('say where a record came from and its correlation id, with the key masked and no payload', () => {
    const lines: string[] = [];
    const observer = loggingObserver(
      createLogger({ service: 'contact-sync' }, { write: (l) => lines.push(l) }),
    );
    const record = {
      topic: 'aloware.events.v1',
      partition: 3,
      offset: '42',
      key: '7001:+12025550142',
      headers: { 'x-correlation-id': 'corr-1' },
      attempt: 8,
    };
    observer.parked?.(record, 'RetriableError', new Error('GHL upsertContact failed: server (HTTP 503)'));
    observer.deadLettered?.(record, 'schema-invalid', new Error('phone: expected string'));
    const [parked, dead] = lines.map((l) => JSON.parse(l));
    expect(parked).toMatchObject({
      level: 'error',
      msg: 'key parked',
      service: 'contact-sync',
      topic: 'aloware.events.v1',
      partition: 3,
      offset: '42',
      correlationId: 'corr-1',
      attempt: 8,
      reason: 'RetriableError',
      error: { name: 'Error', message: 'GHL upsertContact failed: server (HTTP 503)' },
    });
    expect(dead).toMatchObject({ msg: 'record dead-lettered', reason: 'schema-invalid' });
    expect(lines.join('\n')).not.toContain('2025550142');
  });

  it('carry the error code, status and causes of a retry, masked, without what the error carries besides', () => {
    const lines: string[] = [];
    const observer = loggingObserver(createLogger({ service: 'call-sync' }, { write: (l) => lines.push(l) }));
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
    const error = Object.assign(new Error('GHL createNote failed for +12025550142', { cause: refused }), {
      name: 'GhlApiError',
      code: 'GHL_UNAVAILABLE',
      status: 503,
      retriable: true,
      responseBody: '{"note":"the call with Ada"}',
    });
    const record = { topic: 't', partition: 0, offset: '1', key: 'k', headers: {}, attempt: 2 };
    observer.retrying?.(record, error, 400);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'warn', msg: 'record failed, retrying', delayMs: 400 });
    expect(line.error).toEqual({
      name: 'GhlApiError',
      message: 'GHL createNote failed for ***0142',
      code: 'GHL_UNAVAILABLE',
      status: 503,
      retriable: true,
      cause: { name: 'Error', message: 'connect ECONNREFUSED 10.0.0.7:443', code: 'ECONNREFUSED' },
    });
    expect(lines[0]).not.toContain('Ada');
  });
});
