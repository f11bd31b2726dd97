import { createLogger, maskText } from '@df/telemetry';
import { describe, expect, it } from 'vitest';

describe('log masking', () => {
  it('masks phones and e-mails inside any text', () => {
    expect(maskText('call +12025550142 or (202) 555-0199')).toBe('call ***0142 or ***0199');
    expect(maskText('from Jane.Doe@Example.com')).toBe('from J***@Example.com');
    expect(maskText('order 42 at 10:30')).toBe('order 42 at 10:30');
    expect(maskText('at 2026-11-26T00:30:00Z')).toBe('at 2026-11-26T00:30:00Z');
  });

  it('leaves event and correlation ids whole, and still masks a phone next to one', () => {
    const id = '4d6d9201-4001-41ee-83df-9e9792a4ab01';
    expect(maskText(`correlation ${id} for +12025550142`)).toBe(`correlation ${id} for ***0142`);
  });

  it('never writes secrets or message bodies, and masks nested personal data', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'test' }, { write: (l) => lines.push(l) });
    log.info('sms received from +12025550142', {
      body: 'STOP',
      apiToken: 'sk-123',
      contact: { email: 'a.person@example.com', phone: '+12025550142' },
      attempts: 2,
    });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'info',
      service: 'test',
      msg: 'sms received from ***0142',
      body: '[redacted]',
      apiToken: '[redacted]',
      contact: { email: 'a***@example.com', phone: '***0142' },
      attempts: 2,
    });
    expect(lines[0]).not.toContain('STOP');
    expect(lines[0]).not.toContain('sk-123');
  });

  it('writes each field once, a child overriding its parent, at the level asked for', () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'df' }, { level: 'warn', write: (l) => lines.push(l) });
    const child = log.child({ service: 'contact-sync', correlationId: 'c-1' });
    child.info('not written');
    child.warn('written', { attempt: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.match(/"service"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      service: 'contact-sync',
      correlationId: 'c-1',
      msg: 'written',
      attempt: 2,
    });
    expect(JSON.parse(lines[0]!).time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
