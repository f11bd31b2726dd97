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
      error: 'GHL upsertContact failed: server (HTTP 503)',
    });
    expect(dead).toMatchObject({ msg: 'record dead-lettered', reason: 'schema-invalid' });
    expect(lines.join('\n')).not.toContain('2025550142');
  });
});
